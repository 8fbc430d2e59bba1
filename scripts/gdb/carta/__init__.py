"""Carta's gdb toolkit, like Linux's scripts/gdb/linux: one module per
concept, each registering its commands when imported. Loaded by
scripts/gdb/carta-gdb.py (which `make gdb` sources through carta.gdb)."""
