"""Canonical layout of parts/stm32.json: an object or list that fits on one line stays on one line.

`make parts-fmt` rewrites the file; `make parts-check` fails if the file is not in this layout, so
diffs of the database stay small and reviewable.
"""
import json
import sys

WIDTH = 130


def dumps(value, indent=0):
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = ["%s%s: %s" % (pad, json.dumps(k, ensure_ascii=False), dumps(v, indent + 2)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + dumps(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def main(argv):
    path = argv[1]
    check = "--check" in argv
    with open(path, encoding="utf-8") as f:
        text = f.read()
    want = dumps(json.loads(text)) + "\n"
    if check:
        if text != want:
            print("%s is not in canonical layout: run `make parts-fmt`" % path, file=sys.stderr)
            return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
