"""python3 -m parts [table|names|check]: print the part table, the part names, or validate."""
import sys

from . import load, PartError


def table(db):
    rows = [("part", "designator", "DEV_ID", "core", "system memory", "profile")]
    for p in db.parts:
        sysmem = "0x%08x-0x%08x" % (p.system_memory.base, p.system_memory.end - 1)
        rows.append((p.name, p.designator, "0x%03x" % p.dev_id, p.core, sysmem, p.profile))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else "table"
    try:
        db = load()
    except PartError as e:
        print(e, file=sys.stderr)
        return 1
    if cmd == "table":
        print(table(db))
    elif cmd == "names":
        print(" ".join(db.names()))
    elif cmd == "check":
        print("parts/stm32.json: %d parts, %d register blocks, valid" % (len(db.parts), len(db.ip)))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
