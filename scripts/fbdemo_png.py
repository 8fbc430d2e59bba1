#!/usr/bin/env python3
"""Writes docs/images/fbdemo.png: what user/fbdemo.c draws, as QEMU shows it.

Boots Carta (PVH, the std VGA QEMU gives a pc), types `fb on` and
`run fbdemo`, takes QEMU's own picture of the screen (QMP screendump, a
PPM) and converts it with scripts/ppm2png.py. The picture holds no
address or time, so the same tree gives the same file; `make docs` runs
this, and tests/system/test_docs.py-style checks can compare it.

usage: python3 scripts/fbdemo_png.py [OUT.png]   (default docs/images/fbdemo.png)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import ROOT, Qemu  # noqa: E402
from ppm2png import png  # noqa: E402

OUT = os.path.join(ROOT, "docs", "images", "fbdemo.png")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    with Qemu(cmdline="") as vm:
        vm.wait_prompt()
        vm.command("fb on")
        said = vm.command("run fbdemo", timeout=60)
        if "fbdemo: drew" not in said:
            sys.exit(f"fbdemo_png: fbdemo did not draw:\n{said}")
        w, h, rgb = vm.screendump()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(png(w, h, rgb))
    print(f"fbdemo_png: {out}: {w}x{h}")


if __name__ == "__main__":
    main()
