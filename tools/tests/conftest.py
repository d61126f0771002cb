import pathlib
import sys

# The fixtures next to the tests (fake_an3155) import by plain name.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
