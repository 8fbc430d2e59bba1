"""lx-symbols [PID | NAME]: a user program's symbols, as Linux's lx-symbols
loads modules'. The user programs are static, non-PIE ELFs linked at
fixed addresses (user/user.ld) and the loader does not relocate, so the
file's own section addresses are right: add-symbol-file with none given
takes them. A program's symbols and DWARF stay in build/user/NAME.elf (the
initramfs gets a stripped copy). Without an argument: the current task's
program; symbols loaded before for another program are dropped first, as
every program occupies the same addresses.
"""
import os

import gdb

from carta import tasks, utils

USER_DIR = os.path.join("build", "user")
loaded = []


def elf_for(comm):
    path = os.path.join(USER_DIR, comm + ".elf")
    if not os.path.exists(path):
        raise gdb.GdbError(f"lx-symbols: no {path} (run gdb from the repository; make user)")
    return path


class LxSymbols(gdb.Command):
    """lx-symbols [PID | NAME]: load a user program's symbols (build/user/NAME.elf).
    Without argument: the current task's program."""

    def __init__(self):
        super().__init__("lx-symbols", gdb.COMMAND_FILES)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        arg = arg.strip()
        if not arg or arg.isdigit():
            t = tasks.find_task(int(arg)) if arg else utils.var("current")
            if t is None:
                raise gdb.GdbError(f"{arg}: no such process")
            if not int(t["mm"]):
                raise gdb.GdbError(f"{int(t['pid'])} ({utils.string(t['comm'])}) is a kernel thread")
            name = utils.string(t["comm"])
        else:
            name = arg
        path = elf_for(name)
        for old in loaded:
            gdb.execute(f"remove-symbol-file {old}", to_string=True)
        loaded.clear()
        gdb.execute(f"add-symbol-file {path}", to_string=True)
        loaded.append(path)
        gdb.write(f"loaded {path} at its link address\n")


LxSymbols()
