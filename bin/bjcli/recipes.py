"""The probe's jump recipes as c_probe/record.json defines them: the one list (no second copy)."""
from c_probe import record

from . import CliError


def all_recipes():
    """Every recipe a probe can run, in code order (record.json's `none` is not a recipe)."""
    d = record.load()
    return [r["name"] for code, r in sorted(d.recipes.items()) if code != 0]


def is_destructive(name):
    d = record.load()
    return bool(d.recipes[d.code("recipes", name)].get("destructive"))


def check(name):
    if name not in all_recipes():
        raise CliError("unknown recipe %r; the probe's recipes (c_probe/record.json): %s"
                       % (name, ", ".join(all_recipes())))
    return name


def watch_ms():
    """How long to watch the chip after a trace: twice the probe's IWDG timeout, the
    longest timer a recipe starts (record.json defaults.iwdg_ms), so a watchdog reset shows even
    when the LSI clocking it runs slow (RM0377 gives the L0's LSI a wide range)."""
    return 2.0 * record.load().raw["defaults"]["iwdg_ms"]
