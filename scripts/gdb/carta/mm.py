"""The page and object allocators: lx-buddyinfo (mm/page_alloc.c
buddyinfo_print) and lx-slabinfo (mm/slab.c slabinfo_show), in the
shell's formats (Linux's /proc/buddyinfo and /proc/slabinfo 2.1).
"""
import gdb

from carta import utils


def buddyinfo_line():
    area = utils.var("free_area")
    orders = area.type.sizeof // area[0].type.sizeof
    return "Node 0, zone   Normal" + "".join("%7d" % int(area[o]["nr_free"])
                                               for o in range(orders))


def slabinfo_lines():
    caches = utils.var("caches", "mm/slab.c")
    yield ("# name            <active_objs> <num_objs> <objsize> <objperslab> "
           "<pagesperslab> : slabs <active_slabs> <num_slabs>")
    pages = int(utils.var("large_pages", "mm/slab.c"))
    for i in range(int(utils.var("nr_caches", "mm/slab.c"))):
        c = caches[i]
        slabs, per = int(c["nr_slabs"]), int(c["objs_per_slab"])
        pages += slabs
        # one page per slab, and an empty slab is freed at once: active = num
        yield "%-17s %13d %10d %9d %12d %14d : slabs %14d %11d" % (
            utils.string(c["name"]), int(c["nr_active"]), slabs * per, int(c["size"]),
            per, 1, slabs, slabs)
    yield "%d pages in slabs and large kmallocs (%d large kmallocs, %d pages)" % (
        pages, int(utils.var("large_allocs", "mm/slab.c")),
        int(utils.var("large_pages", "mm/slab.c")))


utils.LinesCommand("lx-buddyinfo", lambda: [buddyinfo_line()],
      "lx-buddyinfo: free blocks per order (the shell's `buddyinfo`).")
utils.LinesCommand("lx-slabinfo", slabinfo_lines,
      "lx-slabinfo: the object caches (the shell's `slabinfo`).")
