"""Tasks: lx-ps (the shell's `ps`), $lx_current() / $current(), and the
task lookups the other commands share.

kernel/sched.c chains every task_struct on task_list through ->tasks, in
pid order; `current` is a plain pointer (one CPU).
"""
import gdb

from carta import utils

STATE = "RSZ"   # enum task_state (kernel/sched.h): TASK_RUNNING, TASK_INTERRUPTIBLE, EXIT_ZOMBIE


def tasks():
    return utils.list_for_each_entry(utils.var("task_list"), "struct task_struct", "tasks")


def find_task(pid):
    for t in tasks():
        if int(t["pid"]) == pid:
            return t
    return None


def vmas(mm):
    v = mm["mmap"]
    while int(v):
        yield v
        v = v["vm_next"]


def task_by_arg(arg, usage):
    """The task an argument names: a pid, or any expression that is a
    task_struct pointer ($current())."""
    arg = arg.strip()
    if not arg:
        raise gdb.GdbError(f"usage: {usage}")
    if arg.isdigit():
        t = find_task(int(arg))
        if t is None:
            raise gdb.GdbError(f"{arg}: no such process")
        return t
    return gdb.parse_and_eval(arg).cast(gdb.lookup_type("struct task_struct").pointer())


def ps_lines():
    yield "  PID  PPID S COMM               VSZ    RSS  PGTBL  VMAS"
    for t in tasks():
        mm = t["mm"]
        vsz = sum(int(v["vm_end"]) - int(v["vm_start"]) for v in vmas(mm)) if int(mm) else 0
        parent = t["parent"]
        rss = int(mm["rss"]) * 4 if int(mm) else 0
        pgtbl = int(mm["nr_pgtables"]) if int(mm) else 0
        count = int(mm["map_count"]) if int(mm) else 0
        yield "%5d %5d %c %-15s %6dK %5dK %5d %5d" % (
            int(t["pid"]), int(parent["pid"]) if int(parent) else 0, STATE[int(t["state"])],
            utils.string(t["comm"]), vsz >> 10, rss, pgtbl, count)


class LxCurrent(gdb.Function):
    """$lx_current(): the task_struct * running on the CPU (kernel `current`)."""

    def __init__(self, name):
        super().__init__(name)

    def invoke(self):
        return utils.var("current")


utils.LinesCommand("lx-ps", ps_lines,
                   "lx-ps: every task, as the shell's `ps` prints it.")
LxCurrent("lx_current")
LxCurrent("current")      # the short name the issue asks for
