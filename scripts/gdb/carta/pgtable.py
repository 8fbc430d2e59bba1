"""Page tables read by physical address, so any stop works (before the
direct map exists too): lx-ptdump (the shell's `ptdump`), translate-vm
(the shell's `translate`), lx-checkpgd (`checkpgd`) and lx-pgdlist.

The walk mirrors mm/pagewalk.c's walk_page_range: every entry it does not
go below is one range, a leaf or a hole (a none entry), reported with its
level; ptdump merges neighbours of equal level and attributes into one
line (mm/ptdump.c note_page). x86-64 4-level paging, SDM Vol. 3A 4.5:
PGD (bits 47-39) | PUD (38-30) | PMD (29-21) | PTE (20-12) | offset;
with la57 (utils.l5()) 5-level paging: PGD (56-48) | P4D (47-39) | ...
"""
import gdb

from carta import tasks, utils

PHYSICAL_PAGE_MASK = 0x000FFFFFFFFFF000     # bits 51..12 of an entry
P, RW, USR, PWT, PCD, PSE, GLB, NX = 1, 2, 4, 8, 16, 128, 256, 1 << 63
ATTR_BITS = P | USR | RW | PWT | PCD | GLB | NX
# enum pg_level (mm/pgtable.h): the level number, its index shift, its name
# (PG_LEVEL_512G: the P4D, which is the PGD entry with 4 levels;
# PG_LEVEL_256T: the PGD with 5 levels)
PTE_LEVEL, PMD_LEVEL, PUD_LEVEL, P4D_LEVEL, PGD5_LEVEL = 1, 2, 3, 4, 5
SHIFT = {PTE_LEVEL: 12, PMD_LEVEL: 21, PUD_LEVEL: 30, P4D_LEVEL: 39, PGD5_LEVEL: 48}
LEVEL_NAME = {PTE_LEVEL: "PTE", PMD_LEVEL: "PMD", PUD_LEVEL: "PUD", P4D_LEVEL: "P4D",
              PGD5_LEVEL: "PGD"}
KERNEL_PGD_BOUNDARY = 256   # the first kernel-half slot: the top address bit set


def top_level():
    """pgtable_top_level(): where every walk starts."""
    return PGD5_LEVEL if utils.l5() else P4D_LEVEL


def name(level):
    """pg_level_name: the top entry is always the PGD."""
    return "PGD" if level == top_level() else LEVEL_NAME[level]


def pgdir_shift():
    return SHIFT[top_level()]


def canonical(a):
    """Bits 63..48 copy bit 47 (SDM Vol. 1 3.3.7.1); with LA57 bits 63..57
    copy bit 56 (SDM Vol. 3A 4.5)."""
    bits = 57 if utils.l5() else 48
    a &= (1 << bits) - 1
    return a | (utils.U64 & ~((1 << bits) - 1)) if a >> (bits - 1) else a


def index(level, va):
    return (va >> SHIFT[level]) & 511


def level_size(level):
    return 1 << SHIFT[level]


def present(e):
    return bool(e & P)


def leaf(level, e):
    """Present and mapping memory: every present PTE, a PUD or PMD with PS
    (SDM Vol. 3A Tables 4-16, 4-18); PS is reserved in a PGD entry."""
    return present(e) and (level == PTE_LEVEL or (level in (PUD_LEVEL, PMD_LEVEL) and e & PSE))


def pgprot_str(v, leaf_large):
    """mm/pgtable.c pgprot_str."""
    return "%s %s %s %s %s %s %s" % (
        "USR" if v & USR else "   ", "RW" if v & RW else "ro", "PWT" if v & PWT else "   ",
        "PCD" if v & PCD else "   ", "PSE" if leaf_large else "   ",
        "GLB" if v & GLB else "   ", "NX" if v & NX else "x ")


class Tables:
    """Table pages read once per command, by physical address."""

    def __init__(self):
        self.cache = {}

    def table(self, phys):
        if phys not in self.cache:
            self.cache[phys] = utils.read_phys_u64s(phys, 512)
        return self.cache[phys]


def cr3():
    return int(gdb.parse_and_eval("$cr3")) & utils.U64


def walk(tables, pgd_phys, start, end, visit):
    """walk_page_range(pgd, start, end) with entry and hole ops both
    `visit(level, entry, addr, next)`; end 0 is the top of the space."""
    def addr_end(addr, level, stop):
        """pxd_addr_end: the end of addr's entry, or stop if that comes first."""
        boundary = ((addr & ~(level_size(level) - 1)) + level_size(level)) & utils.U64
        return boundary if (boundary - 1) & utils.U64 < (stop - 1) & utils.U64 else stop

    def walk_range(level, phys, i, addr, stop):
        while True:
            e = tables.table(phys)[i]
            nxt = addr_end(addr, level, stop)
            if present(e) and not leaf(level, e):
                walk_range(level - 1, e & PHYSICAL_PAGE_MASK, index(level - 1, addr), addr, nxt)
            else:
                visit(level, e, addr, nxt)
            if nxt == stop:
                return
            addr = canonical(nxt)
            i += 1

    walk_range(top_level(), pgd_phys, index(top_level(), start), start, end)


def size_unit(nbytes):
    units = "KMGTPE"
    n, u = nbytes >> 10, 0
    while n >= 1024 and not n & 1023 and u + 1 < len(units):
        n >>= 10
        u += 1
    return n, units[u]


class Ptdump:
    """mm/ptdump.c's merger: note() per range, lines collected in out."""

    def __init__(self, start_from):
        self.markers = utils.markers()
        self.marker = 0
        self.open = False
        self.start = self.attrs = self.level = 0
        self.start_from = start_from
        self.out = []

    def print_range(self, end):
        n, unit = size_unit((end - self.start) & utils.U64)
        if self.attrs:
            attrs = pgprot_str(self.attrs, self.level in (PUD_LEVEL, PMD_LEVEL))
        else:
            attrs = " " * 26
        self.out.append("0x%016x-0x%016x   %9d%s %s %s" % (self.start, end, n, unit, attrs,
                                                        name(self.level).lower()))

    def note(self, level, e, va, nxt):
        attrs = e & ATTR_BITS if present(e) else 0
        at_marker = self.marker < len(self.markers) and va == self.markers[self.marker][0]
        if self.open and attrs == self.attrs and level == self.level and not at_marker:
            return
        if self.open:
            self.print_range(va)
        while self.marker < len(self.markers) and va >= self.markers[self.marker][0]:
            if self.markers[self.marker][0] >= self.start_from:
                self.out.append("---[ %s ]---" % self.markers[self.marker][1])
            self.marker += 1
        self.start, self.attrs, self.level, self.open = va, attrs, level, True

    def close(self, end):
        if self.open:
            self.print_range(end)
            self.open = False


def ptdump_pgd(tables, pgd_phys, start_from):
    """ptdump_walk_pgd: the ranges at or above start_from."""
    st = Ptdump(start_from)
    walk(tables, pgd_phys, start_from, 0, st.note)
    st.close(0)
    return st.out


def kernel_pgd_va():
    """kernel_pgd() (mm/pgalloc.c): the boot table until swapper_pg_dir."""
    top = int(utils.var("kernel_top", "mm/pgalloc.c")) & utils.U64
    if not top:
        top = utils.symbol_address("early_top_pgt5" if utils.l5() else "early_top_pgt")
    return top


def kernel_pgd_phys():
    return utils.pa(kernel_pgd_va())


def ptdump_user(tables, pgd_phys):
    """ptdump_walk_user: the user half, the kernel half's top-level slots
    against swapper_pg_dir's, then the kernel half."""
    user_end = KERNEL_PGD_BOUNDARY << pgdir_shift()
    kernel_half = canonical(user_end)
    st = Ptdump(0)
    walk(tables, pgd_phys, 0, user_end, st.note)
    st.close(user_end)
    out = st.out
    out.append("---[ Kernel Space: PGD slots %d-511 ]---" % KERNEL_PGD_BOUNDARY)
    pgd, k = tables.table(pgd_phys), tables.table(kernel_pgd_phys())
    i = KERNEL_PGD_BOUNDARY
    while i < 512:
        same = pgd[i] == k[i]
        j = i + 1
        while j < 512 and present(pgd[j]) == present(pgd[i]) and (pgd[j] == k[j]) == same:
            j += 1
        if present(pgd[i]) or not same:
            out.append("0x%016x-0x%016x   PGD %3d-%3d  %s" % (
                canonical(i << pgdir_shift()), canonical(j << pgdir_shift()), i, j - 1,
                "shared (= swapper_pg_dir)" if same else "DIFFERS from swapper_pg_dir"))
        i = j
    return out + ptdump_pgd(tables, pgd_phys, kernel_half)


class LxPtdump(gdb.Command):
    """lx-ptdump [kernel | user PID | pgd EXPR]: page tables as ranges (`ptdump`).
    As the shell's `ptdump` prints them. Without argument: the whole table CR3
    points at; kernel: its kernel half; user PID: that process's PGD as
    `ptdump user PID`; pgd EXPR: any PGD (a virtual address: a pgd_t *)."""

    def __init__(self):
        super().__init__("lx-ptdump", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        words = arg.split(None, 1)
        tables = Tables()
        top = cr3() & PHYSICAL_PAGE_MASK
        if not words:
            out = ptdump_pgd(tables, top, 0)
        elif words == ["kernel"]:
            out = ptdump_pgd(tables, top, canonical(KERNEL_PGD_BOUNDARY << pgdir_shift()))
        elif words[0] == "user" and len(words) == 2:
            t = tasks.task_by_arg(words[1], "lx-ptdump user PID")
            if not int(t["mm"]):
                raise gdb.GdbError(f"{words[1]}: a kernel thread: no user half")
            out = ptdump_user(tables, utils.pa(int(t["mm"]["pgd"]) & utils.U64))
        elif words[0] == "pgd" and len(words) == 2:
            pgd = utils.parse_address(words[1], "lx-ptdump pgd EXPR")
            out = ptdump_pgd(tables, utils.pa(pgd) & PHYSICAL_PAGE_MASK, 0)
        else:
            raise gdb.GdbError("usage: lx-ptdump [kernel | user PID | pgd EXPR]")
        gdb.write(utils.text(out))


# --- translate-vm ----------------------------------------------------------

def table_virt(phys):
    """pgtable_phys_to_virt (mm/pgalloc.c): where the kernel reaches a
    table page; None before it can."""
    reach = int(utils.var("direct_map_reach", "mm/pgalloc.c"))
    if phys < reach:
        return utils.va(phys)
    text, end = utils.symbol_address("_text"), utils.symbol_address("_end")
    if utils.pa(text) <= phys < utils.pa(end):
        return phys + utils.start_kernel_map()
    return None


def translate_lines(va):
    """ptdump_translate: va's indices, each entry of its walk from CR3,
    then the physical address or why the walk stops. An entry the kernel
    cannot reach yet is shown by its physical address ("at phys")."""
    raw_cr3 = cr3()
    yield "0x%016x: %soffset 0x%x  (CR3 0x%x)" % (
        va, "".join("%s %d | " % (name(l), index(l, va)) for l in range(top_level(), 0, -1)),
        va & 0xFFF, raw_cr3)
    if canonical(va) != va:
        yield ("not canonical: bits 63..57 must copy bit 56 (a #GP, not a #PF)" if utils.l5()
               else "not canonical: bits 63..48 must copy bit 47 (a #GP, not a #PF)")
        return
    tables = Tables()
    phys = raw_cr3 & PHYSICAL_PAGE_MASK
    for level in range(top_level(), 0, -1):
        i = index(level, va)
        e = tables.table(phys)[i]
        virt = table_virt(phys)
        where = "0x%016x" % (virt + 8 * i) if virt is not None else "phys 0x%x" % (phys + 8 * i)
        flags = pgprot_str(e, leaf(level, e) and level != PTE_LEVEL) if present(e) else "not present"
        folded = level == P4D_LEVEL and not utils.l5()
        yield "%s[%3d] at %s = 0x%016x  %s%s" % (name(level), i, where, e, flags,
                                                 "  (P4D folded: same entry)" if folded else "")
        if not present(e):
            yield ('walk stops: %s entry not present -> a fault here is #PF "not-present page"'
                   % name(level))
            return
        if leaf(level, e):
            size = level_size(level)
            n, unit = size_unit(size)
            yield "%s leaf maps a %d %siB page" % (name(level), n, unit)
            yield "=> physical 0x%x" % ((e & PHYSICAL_PAGE_MASK & ~(size - 1)) + (va & (size - 1)))
            return
        phys = e & PHYSICAL_PAGE_MASK


class TranslateVM(gdb.Command):
    """translate-vm EXPR: walk the page tables from CR3 for one address (`translate`).
    EXPR is any expression: a number, a symbol, $rsp+8. The output is the
    shell's `translate`."""

    def __init__(self):
        super().__init__("translate-vm", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        va = utils.parse_address(arg, "translate-vm EXPR")
        gdb.write(utils.text(translate_lines(va)))


# --- pgd_list and checkpgd ---------------------------------------------------

def pgd_list():
    """The PGDs pgd_alloc made (mm/pgd.c pgd_list, newest first): their
    struct pages, chained through ->lru."""
    return utils.list_for_each_entry(utils.var("pgd_list", "mm/pgd.c"), "struct page", "lru")


def hexnum(v):
    """C's %#llx: 0 prints as "0", not "0x0"."""
    return "%#x" % v if v else "0"


def checkpgd_lines():
    tables = Tables()
    kernel = tables.table(kernel_pgd_phys())
    bad = 0
    for page in pgd_list():
        phys = utils.page_to_pfn(page) << utils.PAGE_SHIFT
        pgd = tables.table(phys)
        for i in range(KERNEL_PGD_BOUNDARY, 512):
            if pgd[i] != kernel[i]:
                yield "checkpgd: PGD at %s: slot %d is %s, the kernel's is %s" % (
                    hexnum(phys), i, hexnum(pgd[i]), hexnum(kernel[i]))
                bad += 1
                break
    yield "checkpgd: %d PGDs besides the kernel's, %d with a kernel half that differs" % (
        int(utils.var("pgd_count", "mm/pgd.c")), bad)


class LxPgdlist(gdb.Command):
    """lx-pgdlist: pgd_list: each PGD, its addresses and the tasks using it.
    Newest first (as pgd_alloc adds them), then the kernel's own PGD."""

    def __init__(self):
        super().__init__("lx-pgdlist", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        users = {}
        for t in tasks.tasks():
            if int(t["mm"]):
                pgd = int(t["mm"]["pgd"]) & utils.U64
                users.setdefault(pgd, []).append(f"{int(t['pid'])} {utils.string(t['comm'])}")
        lines = ["PGD phys            PGD virt            tasks"]
        for page in pgd_list():
            virt = utils.page_address(page)
            lines.append("0x%016x  0x%016x  %s" % (utils.pa(virt), virt,
                                                  ", ".join(users.get(virt, [])) or "-"))
        k = kernel_pgd_va()
        lines.append("0x%016x  0x%016x  (kernel_pgd: kernel threads, the kernel half's master)"
                     % (utils.pa(k), k))
        gdb.write(utils.text(lines))


LxPtdump()
TranslateVM()
utils.LinesCommand("lx-checkpgd", checkpgd_lines,
                   "lx-checkpgd: every PGD's kernel half (slots 256-511) equals the kernel's? (the shell's `checkpgd`)")
LxPgdlist()
