"""lx-vmas PID: a process's VMAs as the shell's `vmas` prints them
(/proc/PID/maps: range, rights with p private / s shared, offset, device,
inode, then the name from column 74)."""
import gdb

from carta import tasks, utils

VM_READ, VM_WRITE, VM_EXEC, VM_SHARED = 1, 2, 4, 8     # mm/mm_types.h
PAGE_SHIFT = 12


def vma_line(v):
    f = int(v["vm_flags"])
    head = "%08x-%08x %s%s%s%s %08x 00:00 0" % (
        int(v["vm_start"]), int(v["vm_end"]), "r" if f & VM_READ else "-",
        "w" if f & VM_WRITE else "-", "x" if f & VM_EXEC else "-",
        "s" if f & VM_SHARED else "p", int(v["vm_pgoff"]) << PAGE_SHIFT)
    name = utils.string(v["vm_name"])
    pad = 73 - len(head) if int(v["vm_name"]) and len(head) < 73 else 1
    return head + " " * pad + name


def vmas_lines(arg):
    t = tasks.task_by_arg(arg, "lx-vmas PID")
    if not int(t["mm"]):
        raise gdb.GdbError(f"{arg.strip()}: a kernel thread: no user half")
    return [vma_line(v) for v in tasks.vmas(t["mm"])]


class LxVmas(gdb.Command):
    """lx-vmas PID: a process's VMAs, like /proc/PID/maps (the shell's `vmas`)."""

    def __init__(self):
        super().__init__("lx-vmas", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        gdb.write(utils.text(vmas_lines(arg)))


LxVmas()
