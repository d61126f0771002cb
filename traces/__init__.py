"""The bootjump trace format, `bootjump-trace/1` (traces/README.md); `traces.schema` reads,
validates and writes it."""
