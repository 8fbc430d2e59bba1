"""carta-target [HOST:PORT]: attach to QEMU's gdb stub, or say in one line
that none listens (rather than gdb's long timeout and error).

The port convention (Makefile GDBPORT): 25000 + uid % 5000, so users of a
shared machine do not collide; CARTA_GDB_TARGET=HOST:PORT overrides it
(make gdb sets it from GDBPORT).
"""
import os
import socket

import gdb

from carta import utils


def default_target():
    return os.environ.get("CARTA_GDB_TARGET") or "localhost:%d" % (25000 + os.getuid() % 5000)


def stub_listens(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


class CartaTarget(gdb.Command):
    """carta-target [HOST:PORT]: attach to QEMU's gdb stub ($CARTA_GDB_TARGET,
    else localhost:25000+uid%5000, the Makefile's GDBPORT)."""

    def __init__(self):
        super().__init__("carta-target", gdb.COMMAND_RUNNING)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        where = arg.strip() or default_target()
        host, _, port = where.rpartition(":")
        if not port.isdigit():
            raise gdb.GdbError(f"carta-target: {where}: say HOST:PORT")
        if not stub_listens(host or "localhost", int(port)):
            raise gdb.GdbError(f"no gdb stub on {where}; start one with 'make debug' "
                               "(or 'make qemu-gdb')")
        gdb.execute(f"target remote {where}")


CartaTarget()
