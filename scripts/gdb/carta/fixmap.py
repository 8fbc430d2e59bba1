"""lx-fixmap [all] and lx-earlyioremap: the fixmap's PTEs and the
early_ioremap slots, as the shell's `fixmap` and `earlyioremap` print
them (mm/fixmap.c fixmap_show, mm/early_ioremap.c early_ioremap_show).

Index i lives at FIXADDR_TOP - i * PAGE_SIZE (mm/fixmap.h). FIXADDR_TOP is
a macro gdb cannot see; it is recovered from the kernel's own slot table:
slot 0 of early_ioremap starts at index FIX_BTMAP_BEGIN.
"""
import gdb

from carta import pgtable, utils


def enum(name):
    return int(gdb.parse_and_eval(name))


def fixaddr_top():
    slot0 = int(utils.var("slot_virt", "mm/early_ioremap.c")[0]) & utils.U64
    return slot0 + (enum("FIX_BTMAP_BEGIN") << utils.PAGE_SHIFT)


def fix_to_virt(idx):
    return fixaddr_top() - (idx << utils.PAGE_SHIFT)


def fixmap_name(idx):
    """mm/fixmap.c fixmap_name."""
    names = utils.var("permanent_names", "mm/fixmap.c")
    permanent = enum("__end_of_permanent_fixed_addresses")
    if idx < permanent and int(names[idx]):
        return utils.string(names[idx])
    if enum("FIX_IO_APIC_BASE_0") < idx <= enum("FIX_IO_APIC_BASE_END"):
        return "FIX_IO_APIC_BASE_%d" % (idx - enum("FIX_IO_APIC_BASE_0"))
    begin, per_slot = enum("FIX_BTMAP_BEGIN"), enum("FIX_BTMAP_BEGIN") - enum("FIX_BTMAP_END") + 1
    if enum("FIX_BTMAP_END") <= idx <= begin:
        per_slot //= int(utils.var("slot_virt", "mm/early_ioremap.c").type.range()[1]) + 1
        return "FIX_BTMAP slot %d page %d" % ((begin - idx) // per_slot, (begin - idx) % per_slot)
    return "(unused %d)" % idx


def fixmap_pte(tables, va):
    """The PTE for va through CR3, present or not; None without a PTE page
    (a walk that stops above the PTE level)."""
    phys = pgtable.cr3() & pgtable.PHYSICAL_PAGE_MASK
    for level in range(pgtable.top_level(), pgtable.PTE_LEVEL - 1, -1):
        e = tables.table(phys)[pgtable.index(level, va)]
        if level == pgtable.PTE_LEVEL:
            return e
        if not pgtable.present(e) or pgtable.leaf(level, e):
            return None
        phys = e & pgtable.PHYSICAL_PAGE_MASK


def entry_line(tables, idx):
    va = fix_to_virt(idx)
    v = fixmap_pte(tables, va)
    head = "%4d  %-28s 0x%016x  " % (idx, fixmap_name(idx), va)
    if v is None:
        return head + "(no PTE page)"
    if not pgtable.present(v):
        return head + "not present"
    return head + "pte 0x%016x  phys 0x%09x  %s" % (v, v & pgtable.PHYSICAL_PAGE_MASK,
                                                    pgtable.pgprot_str(v, False))


def fixmap_lines(show_all):
    tables = pgtable.Tables()
    top, total = fixaddr_top(), enum("__end_of_fixed_addresses")
    permanent = enum("__end_of_permanent_fixed_addresses")
    yield "FIXADDR_TOP 0x%016x  FIXADDR_START 0x%016x  FIXADDR_TOT_START 0x%016x" % (
        top, top - (permanent << utils.PAGE_SHIFT), top - (total << utils.PAGE_SHIFT))
    for i in range(permanent):
        yield entry_line(tables, i)
    absent = 0
    lo, hi = enum("FIX_BTMAP_END"), enum("FIX_BTMAP_BEGIN")
    for i in range(lo, hi + 1):
        v = fixmap_pte(tables, fix_to_virt(i))
        if show_all or (v is not None and pgtable.present(v)):
            yield entry_line(tables, i)
        else:
            absent += 1
    if absent:
        yield "%d boot-time entries (%d-%d) not present" % (absent, lo, hi)


def earlyioremap_lines():
    def v(name):
        return utils.var(name, "mm/early_ioremap.c")

    slots = v("slot_virt")
    nslots = int(slots.type.range()[1]) + 1
    per_slot = (enum("FIX_BTMAP_BEGIN") - enum("FIX_BTMAP_END") + 1) // nslots
    kind_name = ["io", "mem", "mem ro"]
    yield "early boot %s; %d slots of %d pages" % (
        "over (new maps refused)" if bool(v("early_ioremap_done")) else "in progress",
        nslots, per_slot)
    yield "slot virtual             state  phys                size       kind    caller"
    for s in range(nslots):
        live = int(v("prev_map")[s]) != 0
        head = "%4d 0x%016x  %-5s  " % (s, int(slots[s]) & utils.U64, "live" if live else "free")
        caller = int(v("prev_caller")[s]) & utils.U64
        if not caller:
            yield head + "(never used)"
            continue
        yield head + "0x%016x  0x%-8x %-7s %s%s" % (
            int(v("prev_phys")[s]), int(v("prev_size")[s]), kind_name[int(v("prev_kind")[s])],
            utils.ksym(caller), "" if live else " (last)")


class LxFixmap(gdb.Command):
    """lx-fixmap [all]: fixmap indices: name, virtual address, PTE (`fixmap`).
    all: the boot-time entries that are not present too."""

    def __init__(self):
        super().__init__("lx-fixmap", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        if arg.strip() not in ("", "all"):
            raise gdb.GdbError("usage: lx-fixmap [all]")
        gdb.write(utils.text(fixmap_lines(arg.strip() == "all")))


LxFixmap()
utils.LinesCommand("lx-earlyioremap", earlyioremap_lines,
                   "lx-earlyioremap: the early_ioremap slots (the shell's `earlyioremap`).")
