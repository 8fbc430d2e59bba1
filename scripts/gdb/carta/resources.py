"""lx-iomem and lx-ioports: the resource trees (kernel/resource.c), in
/proc/iomem form as the shell's `iomem` and `ioports` print them
(resource_print): two spaces per level below the root's children, then
"start-end : name" in hex of at least 8 (iomem) or 4 (ioports) digits.
"""
import gdb

from carta import utils


def resource_lines(root, digits):
    def walk(r, depth):
        while int(r):
            name = utils.string(r["name"]) if int(r["name"]) else "(no name)"
            yield "%*s%0*x-%0*x : %s" % (2 * depth, "", digits, int(r["start"]) & utils.U64,
                                         digits, int(r["end"]) & utils.U64, name)
            yield from walk(r["child"], depth + 1)
            r = r["sibling"]
    yield from walk(root["child"], 0)


class LxResource(gdb.Command):
    def __init__(self, name, root, digits, doc):
        self.__doc__ = doc
        super().__init__(name, gdb.COMMAND_DATA)
        self.root, self.digits = root, digits

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        gdb.write(utils.text(resource_lines(utils.var(self.root), self.digits)))


LxResource("lx-iomem", "iomem_resource", 8,
           "lx-iomem: physical address space owners (the shell's `iomem`).")
LxResource("lx-ioports", "ioport_resource", 4,
           "lx-ioports: I/O port owners (the shell's `ioports`).")
