"""conftest.copy_parts: the part database the whole run uses is a copy that loads, even when the
copy is taken while somebody saves the file (truncated, then written in two halves, over and over:
what made test_bad_input_is_one_line fail with "cannot read the part database ... Unterminated
string" and nothing else)."""
import os
import shutil
import threading
import time

from conftest import ROOT, _loads, copy_parts


def test_copy_taken_during_saves_loads(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(os.path.join(ROOT, "parts"), tree / "parts", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    path = tree / "parts" / "stm32.json"
    data = path.read_bytes()
    stop = threading.Event()

    def save_over_and_over():
        while not stop.is_set():
            with open(path, "wb") as f:
                f.write(data[:len(data) // 2])
                f.flush()
                time.sleep(0.2)
                f.write(data[len(data) // 2:])
            time.sleep(0.2)

    writer = threading.Thread(target=save_over_and_over)
    writer.start()
    copies = []
    try:
        for _ in range(3):
            copies.append(copy_parts(str(tree)))
    finally:
        stop.set()
        writer.join()
    try:
        for copy in copies:
            assert _loads(copy)
            with open(os.path.join(copy, "parts", "stm32.json"), "rb") as f:
                assert f.read() == data
    finally:
        for copy in copies:
            shutil.rmtree(copy)
