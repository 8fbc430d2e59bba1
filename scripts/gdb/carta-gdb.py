"""Loads Carta's gdb toolkit (scripts/gdb/carta/*.py) into gdb, as
Linux's vmlinux-gdb.py loads scripts/gdb/linux. Source it after loading
build/carta.elf:  source scripts/gdb/carta-gdb.py  (carta.gdb does)."""
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from carta import (utils, dmesg, tasks, resources, vmalloc, mm, pgtable,  # noqa: E402,F401
                   fixmap, proc, convert, symbols, help, target)
