"""Drive a real gdb, one command at a time, attached to a Qemu started with
-S -gdb (scripts/qemu.py). Tests use it to stop the kernel somewhere, read
its variables, and ask QEMU's monitor about the same moment.

    with Qemu(extra=gdb_stub_args(port)) as vm, Gdb(port) as gdb:
        gdb.cmd("hbreak start_kernel")
        gdb.cmd("continue")
        out = gdb.cmd("bt")
"""
import os
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENTINEL = "@@carta-gdb-done@@"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, timeout=10):
    """Until something listens on 127.0.0.1:port (QEMU's gdb stub opens its
    socket while it starts: a gdb that connects before that finds nothing,
    and `continue` then says "The program is not being run"). Read from
    /proc/net/tcp, so the stub sees no probe connection; elsewhere, wait
    nothing."""
    want = f":{port:04X} "
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open("/proc/net/tcp") as f:
                # local address "0100007F:PORT", state 0A = LISTEN
                if any(want in line.split(None, 2)[1] + " " and line.split()[3] == "0A"
                       for line in f.readlines()[1:]):
                    return
        except OSError:
            return
        time.sleep(0.02)


def gdb_stub_args(port):
    return ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]


class Gdb:
    def __init__(self, port, timeout=60):
        wait_listening(port)
        env = dict(os.environ, CARTA_GDB_TARGET=f"127.0.0.1:{port}")
        self.proc = subprocess.Popen(
            ["gdb", "-q", "-nx", "-x", "scripts/gdb/carta.gdb"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.timeout = timeout
        self.cmd("set confirm off")      # also waits for the script to finish

    def cmd(self, line):
        """Runs one gdb command; returns everything it printed."""
        self.proc.stdin.write(f"{line}\necho {SENTINEL}\\n\n")
        self.proc.stdin.flush()
        out = []
        timer = threading.Timer(self.timeout, self.proc.kill)
        timer.start()
        try:
            for text in self.proc.stdout:
                if SENTINEL in text:
                    break
                out.append(text)
            else:
                raise RuntimeError(f"gdb ended during {line!r}:\n{''.join(out)}")
        finally:
            timer.cancel()
        return "".join(out).replace("(gdb) ", "")

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("kill\nquit\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
