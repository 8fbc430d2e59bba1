#!/usr/bin/env python3
"""Start Carta in Bochs: a CPU with PCID and INVPCID, which QEMU lacks.

QEMU's TCG (7.2, and 10 too) implements neither PCID nor INVPCID, and KVM
can only pass on what the host CPU has, so mm/tlb.c's PCID path never runs
under QEMU on such a host. Bochs 2.7's corei7_haswell_4770 model has both,
checks the reserved bits of CR3 and INVPCID's operands (a bad value is a
#GP, which Carta turns into an oops), and boots the GRUB ISO to the shell
prompt in about 5 s. What it cannot show: a missing flush. Like TCG it
ignores CR3 bit 63 (the no-flush hint) and flushes on every CR3 write, so
a stale TLB entry never survives a switch; tests/unit/test_asid.c checks
the allocator against a model TLB for that.

As a module it gives class Bochs, which tests use like scripts/qemu.py's
Qemu (scripts/console.py: wait_prompt, command, send, wait_for, .out),
plus the Bochs debugger (Debian's bochs is built with it): the commands
given as debugger= run from an rc file, and what they print is
.debugger.out. stop_at() writes a stop at linear addresses, conditional
or not, with commands to run there (creg, r, page); wait_stop() waits for
it and parses what they printed. As a program it backs `make bochs`: the
serial console on this terminal (Ctrl-A X quits).

Bochs has no command-line options for the machine: each instance writes a
bochsrc in its own temporary directory. The serial console is COM1 in
socket-server mode on a free TCP port of 127.0.0.1 (Bochs waits at startup
until we connect, so nothing is lost). Debian's bochs has no "nogui"
display; the headless one it has is rfb, a VNC server that takes the first
free port of 5900-5949 itself (no option sets it) and panics when all are
taken. It listens on every interface while Bochs runs.
"""
import argparse
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from console import Console
from gdb_session import free_port
from qemu import INITRAMFS, KERNEL, iso_for

BOCHS_CPU = "corei7_haswell_4770"   # Haswell: PCID, INVPCID, SMEP (no SMAP, no LA57)
# The BIOS is bochsbios's; the VGA BIOS link is bochs's own, to vgabios's file.
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"
PACKAGES = "bochs bochs-term bochsbios vgabios"
STOP_MARK = 0xb0c40                 # `? 0xb0c41` ends the output of stop_at(first=1)


def bochs_missing():
    """Why Bochs cannot run here (one sentence), or None when it can."""
    if not shutil.which("bochs"):
        return f"bochs is not installed (Debian: apt-get install {PACKAGES}; scripts/deps.sh does it)"
    for path, pkg in ((BIOS, "bochsbios"), (VGABIOS, "vgabios")):
        if not os.path.exists(path):      # exists() follows the VGA BIOS link
            return f"no {path} (package {pkg}; scripts/deps.sh installs it)"
    return None


def megabytes(mem):
    """QEMU's -m notation ("256M", "1G", or a number of MiB) as Bochs's megs."""
    m = re.fullmatch(r"(\d+)([MG]?)", str(mem).upper())
    if not m:
        raise ValueError(f"mem={mem!r}: say e.g. 256M or 1G")
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def bochsrc(iso, port, cpu=BOCHS_CPU, megs=256, log="bochs.log"):
    # ips: instructions per emulated second; with sync=none the guest's
    # clock follows the instruction count, not the host's, so a loaded host
    # slows the guest down but never makes its timer ticks pile up.
    # speaker off: its sound driver would only print ALSA errors here.
    # A triple fault or another panic ends Bochs (QEMU's -no-reboot): a
    # reset would boot GRUB again and the test would only time out.
    return f"""\
megs: {megs}
cpu: model={cpu}, count=1, ips=100000000, reset_on_triple_fault=0
panic: action=fatal
romimage: file={BIOS}
vgaromimage: file={VGABIOS}
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=socket-server, dev=127.0.0.1:{port}
display_library: rfb, options="timeout=0"
speaker: enabled=0
log: {log}
clock: sync=none, time0=local
"""


def stop_at(points, *commands, first=1):
    """Debugger commands for Bochs(debugger=...): stop the first time the
    CPU executes at one of `points`, linear addresses, each alone or as
    (address, condition): a debugger expression that must be nonzero
    there, "rax >> 63" say. At the stop run `commands`, delete the
    breakpoints (later passes go on) and print the mark wait_stop(first)
    waits for. Bochs numbers breakpoints from 1 in the order they are
    set, deleted ones included: `first` is the number the first of these
    gets (1 + how many the commands before set)."""
    if isinstance(points, int):
        points = [points]
    breaks = []
    for point in points:
        addr, cond = point if isinstance(point, tuple) else (point, None)
        breaks.append(f"lb {addr:#x}" + (f' if "{cond}"' if cond else ""))
    return [*breaks, "c", *commands, *(f"d {n}" for n in range(first, first + len(breaks))),
            f"? {STOP_MARK + first:#x}"]


def parse_stop(text):
    """What a stop printed (the last in text): {"cs", "rip", "insn"} where
    it stopped (the instruction not yet run, as Bochs disassembles it),
    the control registers creg showed ("CR0", "CR3", "CR4", "EFER"),
    "regs", {name: value} from `r`, and "pages", {linear page: physical
    page} from each `page` command."""
    stop = {}
    b = list(re.finditer(r"^\(\d+\) Breakpoint \d+, ", text, re.M))
    if b:       # the next instruction's line after it: "(0) [phys] cs:rip (...): insn ; bytes"
        text = text[b[-1].end():]
    m = re.search(r"^\(\d+\) \[0x[0-9a-f]+\] ([0-9a-f]{4}):([0-9a-f]+) \([^)]*\): (.*?)\s*;",
                  text, re.M)
    if m:
        stop["cs"], stop["rip"], stop["insn"] = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    for name, value in re.findall(r"^(CR0|CR3|CR4|EFER)=0x([0-9a-f]+)", text, re.M):
        stop.setdefault(name, int(value, 16))      # the first: a later step may change it
    stop["regs"] = {r: int(v.replace("_", ""), 16)
                    for r, v in re.findall(r"^(r\w+)\s*: ([0-9a-f]{8}_[0-9a-f]{8})$", text, re.M)}
    stop["pages"] = {int(v, 16): int(p, 16) for v, p in re.findall(
        r"^linear page 0x([0-9a-f]+) maps to physical page 0x([0-9a-f]+)", text, re.M)}
    return stop


def _kill(proc):
    """SIGKILL to Bochs's process group (its own session: start_new_session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _exit_message(tmp):
    """Why Bochs stopped: the message it printed on the way out, else its
    log's last panic or error line."""
    text = _text(os.path.join(tmp, "stderr")) + _text(os.path.join(tmp, "bochs.log"))
    m = re.search(r"following message:\n(.+)", text)
    if m:
        return m.group(1).strip()
    # "00000000000p[RFB   ] >>PANIC<< RFB could not..." -> "[RFB] RFB could not..."
    lines = [re.sub(r"^\d+[pe]\[(\w+) *\] (>>PANIC<< )?", r"[\1] ", l)
             for l in text.splitlines() if re.match(r"\d+[pe]\[", l)]
    return lines[-1] if lines else text[-800:]


def _text(path):
    """A file's text; "" while it does not exist yet."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _wait_started(proc, tmp, port, deadline):
    """Waits until Bochs listens on COM1 `port` and its VNC server on a port
    of its own; returns that port, or None if Bochs exited first. The VNC
    server binds in a thread of its own, whose panic can come after COM1
    listens: its log line, not COM1's, says Bochs is up."""
    waiting = f"com1: waiting for client to connect (host:127.0.0.1, port:{port})"
    rfb = re.compile(r"RFB   \] listening for connections on port (\d+)")
    while proc.poll() is None and time.time() < deadline:
        log = _text(os.path.join(tmp, "bochs.log"))
        if "RFB could not bind" in log:
            return None     # Bochs hangs then, its COM1 waiting for us
        m = rfb.search(log)
        if m and waiting in _text(os.path.join(tmp, "stderr")):
            return int(m.group(1))
        time.sleep(0.02)
    return None


def launch(iso, tmp, cpu=BOCHS_CPU, megs=256, debugger=(), timeout=30):
    """Starts Bochs on `iso` with its files in directory tmp; returns the
    process (stdout: the debugger's output, a pipe), a socket connected to
    COM1 and the VNC port. A free port can be taken by someone else before
    Bochs binds it: Bochs then panics, and another port is tried; so is a
    later start when rfb found all its VNC ports taken (by other Bochses,
    which may end)."""
    why = bochs_missing()
    if why:
        raise FileNotFoundError(why)
    rc = os.path.join(tmp, "debugger.rc")
    with open(rc, "w") as f:
        # Debian's bochs has the debugger built in: without `c` it waits at
        # the reset vector; `quit` ends Bochs at the next stop instead of
        # leaving it at a prompt reading stdin.
        f.write("\n".join([*debugger, "c", "quit"]) + "\n")
    conf = os.path.join(tmp, "bochsrc")
    deadline = time.time() + timeout
    why = "no attempt"
    for _ in range(5):
        port = free_port()
        with open(conf, "w") as f:
            f.write(bochsrc(iso, port, cpu, megs, os.path.join(tmp, "bochs.log")))
        with open(os.path.join(tmp, "stderr"), "wb") as err:
            proc = subprocess.Popen(["bochs", "-q", "-f", conf, "-rc", rc], cwd=tmp,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=err, start_new_session=True)
        sock = None
        try:
            vnc_port = _wait_started(proc, tmp, port, deadline)
            if vnc_port is not None:
                sock = socket.create_connection(("127.0.0.1", port), timeout)
                return proc, sock, vnc_port
        finally:
            if sock is None:    # not started, or an exception (connect's, say)
                _kill(proc)
                proc.stdout.close()
        why = _exit_message(tmp)
        if "com1: bind() or listen() failed" in why:
            continue
        if "RFB could not bind" in why and time.time() + 1 < deadline:
            time.sleep(1)
            continue
        if time.time() >= deadline:
            why = f"not up in {timeout} s: {why}"
        break
    raise RuntimeError(f"Bochs did not start: {why}")


class Bochs(Console):
    """One Bochs running Carta's GRUB ISO headless: the serial console on a
    socket (the Console methods), the debugger's output in .debugger (a
    Console too: .debugger.out, .debugger.wait_for). The ISO is `iso`, or
    one made for kernel, cmdline and initramfs (qemu.iso_for: cached in
    build/isos, built once however many tests ask at the same time).
    debugger: commands the debugger runs before the machine starts (a
    breakpoint, say; see stop_at)."""

    def __init__(self, cmdline="testmode", cpu=BOCHS_CPU, mem="256M", iso=None,
                 initramfs=INITRAMFS, kernel=KERNEL, debugger=(), timeout=30):
        why = bochs_missing()
        if why:
            raise FileNotFoundError(why)
        self.iso = iso or iso_for(cmdline, initramfs, kernel)
        self.cpu = cpu
        self.tmp = tempfile.mkdtemp(prefix="carta-bochs-")
        self.proc = self.sock = None
        try:
            self.proc, self.sock, self.vnc_port = launch(self.iso, self.tmp, cpu, megabytes(mem),
                                                         debugger, timeout)
        except BaseException:
            self._remove_tmp()
            raise
        self.sock.settimeout(None)
        self.debugger = Console(lambda n: os.read(self.proc.stdout.fileno(), n))
        Console.__init__(self, self.sock.recv, self.sock.sendall)

    def wait_for(self, pattern, timeout=20, start=0):
        """Console.wait_for; when Bochs has died, the error says why (its
        panic message: a triple fault, say)."""
        try:
            return Console.wait_for(self, pattern, timeout, start)
        except TimeoutError as e:
            if not self.reader.is_alive():
                try:
                    rc = self.proc.wait(2)
                except subprocess.TimeoutExpired:
                    raise e from None
                why = _exit_message(self.tmp)
                raise TimeoutError(f"{e}\nBochs exited (status {rc}): {why}") from None
            raise

    def wait_stop(self, first=1, timeout=20, start=0):
        """Waits until the stop that stop_at(..., first=first) set has
        printed all; returns parse_stop() of what it printed."""
        mark = STOP_MARK + first
        m = self.debugger.wait_for(rf"^{mark:#x} {mark}$", timeout, start)
        return parse_stop(self.debugger.out[start:m.start()])

    def stopped(self, first=1):
        """Whether the stop that stop_at(..., first=first) set has come."""
        mark = STOP_MARK + first
        return re.search(rf"^{mark:#x} {mark}$", self.debugger.out, re.M) is not None

    def _remove_tmp(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def close(self):
        # Our end closes first: the TIME_WAIT is then on our ephemeral
        # port, not on the one Bochs listened on.
        if self.sock:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()
        if self.proc:
            _kill(self.proc)
            self.reader.join(1)
            self.debugger.reader.join(1)
            self.proc.stdout.close()
        self._remove_tmp()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def relay(proc, sock):
    """The serial console on this terminal, raw, until Ctrl-A X or Bochs's
    exit; the debugger's output (Bochs's stdout) goes to the terminal too."""
    import termios
    import tty
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    saved = termios.tcgetattr(stdin) if os.isatty(stdin) else None
    if saved:
        tty.setraw(stdin)
    ctrl_a = False
    try:
        while True:
            ready, _, _ = select.select([stdin, sock, proc.stdout], [], [])
            if sock in ready:
                data = sock.recv(4096)
                if not data:
                    return
                os.write(stdout, data)
            if proc.stdout in ready:
                data = os.read(proc.stdout.fileno(), 4096)
                if not data:
                    return
                os.write(stdout, data.replace(b"\n", b"\r\n"))   # raw: no LF -> CR LF
            if stdin in ready:
                data = os.read(stdin, 1024)
                if not data:
                    return
                for b in data:
                    if ctrl_a and b in b"xX":
                        return
                    ctrl_a = b == 1 and not ctrl_a
                    if not ctrl_a:
                        sock.sendall(bytes([b]))   # Ctrl-A Ctrl-A sends one Ctrl-A
    finally:
        if saved:
            termios.tcsetattr(stdin, termios.TCSADRAIN, saved)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", required=True, help="the GRUB ISO to boot (make iso)")
    ap.add_argument("--cpu", default=BOCHS_CPU, help="a Bochs CPU model (bochs's cpu: model=)")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--debugger", action="append", default=[], metavar="CMD",
                    help="a Bochs debugger command run before the boot (repeatable)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="carta-bochs-")
    try:
        try:
            proc, sock, vnc_port = launch(os.path.abspath(a.iso), tmp, a.cpu, megabytes(a.mem),
                                          a.debugger)
        except (OSError, RuntimeError, ValueError) as e:
            sys.exit(f"bochs: {e}")
        print(f"bochs: {a.iso} on cpu model {a.cpu}, {a.mem}; the serial console is here "
              f"(Ctrl-A X quits), the screen on VNC port {vnc_port}", file=sys.stderr)
        try:
            relay(proc, sock)
        finally:
            sock.close()
            _kill(proc)
            proc.stdout.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
