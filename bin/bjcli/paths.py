"""Where bootjump finds the repository and the build outputs (docs/architecture.md, "Build
layout"). BOOTJUMP_BUILD points at another build directory (an out-of-tree build)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BOOTJUMP_BUILD") or os.path.join(ROOT, "build")
