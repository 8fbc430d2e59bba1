"""lx-vmallocinfo: the live vmalloc/ioremap areas, as the shell's
`vmallocinfo` prints them (mm/vmalloc.c show_area, Linux's
/proc/vmallocinfo line). The busy areas are the nodes of vmap_space's busy
treap (mm/vmap_area.c), visited in order (left, node, right): by address.
"""
import gdb

from carta import utils

VM_IOREMAP, VM_ALLOC, VM_MAP = 0x1, 0x2, 0x4     # mm/vmalloc.h


def in_order(node):
    while int(node):
        yield from in_order(node["left"])
        yield node
        node = node["right"]


def area_line(v):
    addr, size = int(v["addr"]) & utils.U64, int(v["size"])
    flags = int(v["flags"])
    sym = utils.ksym(int(v["caller"]) & utils.U64) if int(v["caller"]) else ""
    pages = f" pages={int(v['nr_pages'])}" if int(v["nr_pages"]) else ""
    phys = f" phys=0x{int(v['phys_addr']):016x}" if int(v["phys_addr"]) else ""
    return "0x%016x-0x%016x %7d %s%s%s%s%s%s" % (
        addr, addr + size, size, sym, pages, phys,
        " ioremap" if flags & VM_IOREMAP else "", " vmalloc" if flags & VM_ALLOC else "",
        " vmap" if flags & VM_MAP else "")


class LxVmallocinfo(gdb.Command):
    """lx-vmallocinfo: live vmalloc/ioremap areas (the shell's `vmallocinfo`)."""

    def __init__(self):
        super().__init__("lx-vmallocinfo", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        space = utils.var("vmap_space", "mm/vmalloc.c")
        gdb.write(utils.text(area_line(node["vm"]) for node in in_order(space["busy_root"])))


LxVmallocinfo()
