"""Reading the stopped kernel from gdb: typed values, raw memory (virtual or
physical), the kernel's own constants and its kallsyms table.

Everything here reads the kernel's data structures as they are; nothing is
copied from the C sources except the layouts gdb cannot know without the
macros (the build has no -g3): those are taken from data the kernel itself
keeps, e.g. the region markers ptdump prints (mm/ptdump.c), so a moved
constant moves here too.
"""
import gdb

U64 = (1 << 64) - 1


def var(name, file=None):
    """A kernel variable; file names a static one ('mm/slab.c')."""
    return gdb.parse_and_eval(f"'{file}'::{name}" if file else name)


def inferior():
    return gdb.selected_inferior()


def read_bytes(addr, size):
    return bytes(inferior().read_memory(addr, size))


def read_u64(addr):
    return int.from_bytes(read_bytes(addr, 8), "little")


def read_u64s(addr, n):
    raw = read_bytes(addr, 8 * n)
    return [int.from_bytes(raw[i:i + 8], "little") for i in range(0, len(raw), 8)]


def string(value):
    """A char * or char[] as Python text (empty for NULL)."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and int(value) == 0:
        return ""
    return value.string(errors="replace")


def address_of(value):
    """The number a gdb value stands for: a function or an array gives its
    address (`translate-vm start_kernel`), a pointer or integer its value."""
    code = value.type.strip_typedefs().code
    if code in (gdb.TYPE_CODE_FUNC, gdb.TYPE_CODE_ARRAY) or \
            (code == gdb.TYPE_CODE_STRUCT and value.address is not None):
        return int(value.address) & U64
    return int(value) & U64


def parse_address(arg, usage):
    """An address argument: any gdb expression (symbol, $rsp+8, 0x...)."""
    if not arg.strip():
        raise gdb.GdbError(f"usage: {usage}")
    try:
        return address_of(gdb.parse_and_eval(arg))
    except gdb.error as e:
        raise gdb.GdbError(f"{usage.split()[0]}: {e}")


class PhysicalMode:
    """QEMU's gdb stub reads guest-physical memory after
    `maintenance packet Qqemu.PhyMemMode:1` (QEMU docs, gdbstub: the
    qemu.PhyMemMode packet); the block switches back on the way out."""

    def __enter__(self):
        gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)

    def __exit__(self, *exc):
        gdb.execute("maintenance packet Qqemu.PhyMemMode:0", to_string=True)


def read_phys_u64s(addr, n):
    with PhysicalMode():
        return read_u64s(addr, n)


def container_of(ptr, typename, member):
    """Linux's container_of: the struct holding the list_head at ptr."""
    t = gdb.lookup_type(typename)
    offset = next(f.bitpos // 8 for f in t.fields() if f.name == member)
    return gdb.Value(int(ptr) - offset).cast(t.pointer())


def list_for_each_entry(head, typename, member):
    """The entries of a kernel/list.h list, given the head (a value)."""
    node = head["next"]
    while int(node) != int(head.address):
        yield container_of(node, typename, member)
        node = node["next"]


# --- the memory map, from the kernel's own table -------------------------

def markers():
    """mm/ptdump.c's region markers: [(start, name)], in address order."""
    m = var("markers", "mm/ptdump.c")
    n = m.type.sizeof // m[0].type.sizeof
    field = "start_l5" if l5() else "start"     # the layout the boot chose
    return [(int(m[i][field]) & U64, string(m[i]["name"])) for i in range(n)]


def l5():
    """pgtable_l5_enabled(): 5-level paging (la57), set by boot/head.asm."""
    return bool(int(var("__pgtable_l5_enabled")))


def marker(name):
    return next(start for start, n in markers() if n == name)


def page_offset():
    """PAGE_OFFSET: where ptdump's "Low Kernel Mapping" (the direct map) starts."""
    return marker("Low Kernel Mapping")


def start_kernel_map():
    """__START_KERNEL_map: the "High Kernel Mapping" marker."""
    return marker("High Kernel Mapping")


PAGE_SHIFT = 12             # SDM Vol. 3A 4.5: a 4 KiB page
PAGE_SIZE = 1 << PAGE_SHIFT


def pa(va):
    """Linux's __pa for both kernel mappings: the image's high mapping is
    __START_KERNEL_map + physical, the direct map PAGE_OFFSET + physical."""
    if va >= start_kernel_map():
        return va - start_kernel_map()
    return (va - page_offset()) & U64


def va(phys):
    """__va: a physical address's direct-map alias."""
    return (phys + page_offset()) & U64


def struct_page_size():
    return gdb.lookup_type("struct page").sizeof


def pfn_to_page(pfn):
    return int(var("mem_map")) + pfn * struct_page_size()


def page_to_pfn(page):
    return (int(page) - int(var("mem_map"))) // struct_page_size()


def page_address(page):
    return va(page_to_pfn(page) << PAGE_SHIFT)


# --- kallsyms: the kernel's own symbol table (kernel/kallsyms.c) ----------

_kallsyms = {}


def symbol_address(name):
    """The address of a symbol, also one without debug info (the asm
    tables: gdb knows only their address)."""
    return int(gdb.parse_and_eval(f"(unsigned long)&'{name}'")) & U64


def _load_kallsyms():
    n = read_u64(symbol_address("kallsyms_num_syms"))
    key = (n, symbol_address("kallsyms_addresses"))
    if _kallsyms.get("key") != key:
        addrs = read_u64s(key[1], n)
        raw = read_bytes(symbol_address("kallsyms_offsets"), 4 * n)
        offs = [int.from_bytes(raw[i:i + 4], "little") for i in range(0, 4 * n, 4)]
        names_at = symbol_address("kallsyms_names")
        blob = read_bytes(names_at, offs[-1] + 64)
        names = [blob[o:blob.index(b"\0", o)].decode() for o in offs]
        _kallsyms.update(key=key, addrs=addrs, names=names)
    return _kallsyms["addrs"], _kallsyms["names"]


def ksym(addr):
    """sprint_symbol: "name+0xoff/0xsize", as kallsyms_lookup finds it (a
    symbol's size is the distance to the next; the sentinels _etext and
    __init_text_end name nothing); "0x%016lx" when nothing is found."""
    import bisect
    addrs, names = _load_kallsyms()
    if len(addrs) < 2 or addr < addrs[0] or addr >= addrs[-1]:
        return f"0x{addr:016x}"
    i = bisect.bisect_right(addrs, addr) - 1
    if names[i] in ("_etext", "__init_text_end"):
        return f"0x{addr:016x}"
    return f"{names[i]}+0x{addr - addrs[i]:x}/0x{addrs[i + 1] - addrs[i]:x}"


def text(lines):
    """Lines as one string, each ending in a newline: a command computes all
    of its output before writing any, so a failed read prints no half table."""
    return "".join(line + "\n" for line in lines)


def readable_errors(invoke):
    """For a command's invoke: a memory read that fails (at reset, paging
    is off and the kernel's addresses mean nothing yet) becomes one line
    instead of a Python traceback."""
    def wrapper(self, *args):
        try:
            return invoke(self, *args)
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{e} (is the kernel up yet? at reset: hbreak start_kernel, "
                               "continue)")
        except gdb.error as e:
            raise gdb.GdbError(str(e))
    wrapper.__doc__ = invoke.__doc__
    return wrapper


class LinesCommand(gdb.Command):
    """A command with no arguments that prints the lines fn() yields: most
    helpers are one, the shell command's format built from kernel data."""

    def __init__(self, name, fn, doc):
        self.__doc__ = doc
        self._command_name = name
        super().__init__(name, gdb.COMMAND_DATA)
        self.fn = fn

    @readable_errors
    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError(f"usage: {self._command_name} (no arguments)")
        gdb.write(text(self.fn()))
