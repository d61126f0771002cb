"""lib/decode.py: capstone's decoding, and bytes it cannot decode: an error where a caller needs an
instruction (preflight's lookahead, openocd's comparisons), a step-sized undecodable Insn for the
tracer, whose size the core decides from the first halfword."""
import pytest

from bjgdb.lib.decode import Decoder, DecodeError, thumb_size
from traces.schema import UNDECODABLE


@pytest.mark.parametrize("code,size", [("a1ffffff", 4), ("8147", 2)])
def test_undecodable(code, size):
    raw = bytes.fromhex(code)
    assert thumb_size(int.from_bytes(raw[:2], "little")) == size
    with pytest.raises(DecodeError, match="capstone cannot decode %s at 0x1ff00ff6" % code):
        Decoder().decode(0x1ff00ff6, raw)
    insn = Decoder().decode(0x1ff00ff6, raw, undecodable_ok=True)
    assert (insn.undecodable, insn.text, insn.size, insn.id) == (True, UNDECODABLE, size, None)


def test_decodable():
    insn = Decoder().decode(0x08000000, bytes.fromhex("0868"), undecodable_ok=True)
    assert (insn.undecodable, insn.text, insn.size) == (False, "ldr r0, [r1]", 2)
