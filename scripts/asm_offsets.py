#!/usr/bin/env python3
"""Write the nasm %define lines for the constants kernel/asm-offsets.c
exports, from the assembly the compiler made of it.

usage: asm_offsets.py asm-offsets.s > asm-offsets.inc

Each DEFINE(NAME, value) there leaves a line  .ascii "->NAME value"  with
the value as the compiler computed it from the C headers. Linux's Kbuild
turns these into asm-offsets.h with sed; here python, so that addresses
and sizes come out in hex as the headers write them (the compiler prints
signed decimals: __START_KERNEL_map is -2147483648); counts and indexes
below 4096 stay decimal."""
import re
import sys

MARKER = re.compile(r'^\s*\.ascii\s+"->(\w+) [$#]?(-?\d+)"')


def main():
    src = sys.argv[1]
    defines = []
    with open(src) as f:
        for line in f:
            m = MARKER.match(line)
            if m:
                value = int(m.group(2)) % (1 << 64)     # as the 64-bit CPU sees it
                text = f"{value:#x}" if value >= 4096 else str(value)
                defines.append(f"%define {m.group(1):<28} {text}")
    if not defines:
        sys.exit(f"{src}: no ->NAME value lines (was it compiled with -S?)")
    print("; Generated from kernel/asm-offsets.c by scripts/asm_offsets.py: do not edit.")
    print("; The C headers' values of the constants boot/*.asm uses, by their C names.")
    print("\n".join(defines))


if __name__ == "__main__":
    main()
