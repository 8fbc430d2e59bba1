"""lx-dmesg: the kernel log, as the shell's `dmesg` prints it.

kernel/printk.c keeps every byte ever logged in log_buf, a ring of
LOG_BUF_LEN bytes; log_head counts bytes ever written, so the text is the
last min(log_head, LEN) bytes ending at log_head % LEN (log_buf_for_each).
"""
import gdb

from carta import utils


def log_text():
    buf = utils.var("log_buf", "kernel/printk.c")
    size = buf.type.sizeof
    head = int(utils.var("log_head", "kernel/printk.c"))
    n = min(head, size)
    start = (head - n) % size
    first = min(n, size - start)
    base = int(buf.address)
    data = utils.read_bytes(base + start, first)
    if n > first:
        data += utils.read_bytes(base, n - first)
    return data.decode("latin-1")


class LxDmesg(gdb.Command):
    """lx-dmesg: the kernel log (the shell's `dmesg`)."""

    def __init__(self):
        super().__init__("lx-dmesg", gdb.COMMAND_DATA)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        gdb.write(log_text())


LxDmesg()
