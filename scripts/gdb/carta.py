"""gdb commands for Carta, loaded by scripts/gdb/carta.gdb.

translate-vm VADDR   walk the live page tables from the stopped CPU's CR3,
                     level by level, like the kernel's `translate` command.

The tables are read by *physical* address, so the walk works at any stop:
before the direct map exists, or with a CR3 the kernel cannot reach. QEMU's
gdb stub reads physical memory after `maintenance packet
Qqemu.PhyMemMode:1`; the command switches back before returning.
"""
import gdb

PHYS_MASK = 0x000FFFFFFFFFF000
LEVELS = [("PGD", 39), ("PUD", 30), ("PMD", 21), ("PTE", 12)]


def flags(e, leaf_large):
    words = ["USR" if e & 4 else "   ", "RW" if e & 2 else "ro", "PWT" if e & 8 else "   ",
             "PCD" if e & 16 else "   ", "PSE" if leaf_large else "   ",
             "GLB" if e & 256 else "   ", "NX" if e >> 63 else "x "]
    return " ".join(words)


class PhysicalMode:
    def __enter__(self):
        gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)

    def __exit__(self, *exc):
        gdb.execute("maintenance packet Qqemu.PhyMemMode:0", to_string=True)


def read_u64_phys(addr):
    mem = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(mem), "little")


def walk(va):
    """Yields output lines; the last is '=> physical 0x...' or 'walk stops: ...'."""
    cr3 = int(gdb.parse_and_eval("$cr3")) & PHYS_MASK
    idx = [(va >> s) & 511 for _, s in LEVELS]
    yield (f"0x{va:016x}: PGD {idx[0]} | PUD {idx[1]} | PMD {idx[2]} | PTE {idx[3]} | "
           f"offset 0x{va & 0xfff:x}  (CR3 0x{cr3:x})")
    top = va >> 47
    if top not in (0, 0x1ffff):
        yield "not canonical: bits 63..48 must copy bit 47 (a #GP, not a #PF)"
        return
    table = cr3
    with PhysicalMode():
        for level, (name, shift) in enumerate(LEVELS):
            entry_addr = table + idx[level] * 8
            e = read_u64_phys(entry_addr)
            leaf = level == 3 or (level > 0 and e & 0x80)
            if not e & 1:
                yield f"{name}[{idx[level]:3}] at phys 0x{entry_addr:x} = 0x{e:016x}  not present"
                yield f"walk stops: {name} entry not present"
                return
            yield (f"{name}[{idx[level]:3}] at phys 0x{entry_addr:x} = 0x{e:016x}  "
                   f"{flags(e, leaf and level != 3)}")
            if leaf:
                size = 1 << shift
                phys = (e & PHYS_MASK & ~(size - 1)) + (va & (size - 1))
                yield f"=> physical 0x{phys:x}"
                return
            table = e & PHYS_MASK


class TranslateVM(gdb.Command):
    """translate-vm VADDR: walk the live page tables (from CR3) for VADDR."""

    def __init__(self):
        super().__init__("translate-vm", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: translate-vm VADDR")
        va = int(gdb.parse_and_eval(arg)) & (2 ** 64 - 1)
        for line in walk(va):
            gdb.write(line + "\n")


TranslateVM()
