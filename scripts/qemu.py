#!/usr/bin/env python3
"""Start Carta in QEMU: the one place that knows QEMU's command line.

As a program it backs `make run` and `make debug`: serial and the QEMU
monitor share this terminal (-serial mon:stdio; Ctrl-A X quits, Ctrl-A C
switches to the monitor). As a module (tests/system, scripts/bench.py) it
gives class Qemu: serial on pipes, a QMP socket for monitor commands, and
helpers to type shell commands and wait for output (scripts/console.py,
shared with scripts/bochs.py).

Two ways to boot: GRUB from an ISO (--iso, Qemu(boot="grub")), or PVH,
QEMU loading the ELF itself (--kernel/--initrd/--append, Qemu(boot="pvh")):
no ISO to build, no GRUB to run. Qemu() without boot= takes DEFAULT_BOOT,
PVH (a third of GRUB's time to the prompt); tests about GRUB and multiboot2
say boot="grub", and CARTA_BOOT=grub sends every other test through GRUB too.

Two firmwares: SeaBIOS, QEMU's default (firmware="bios"), and OVMF, UEFI
for QEMU (firmware="uefi", --firmware uefi, `make run FIRMWARE=uefi`): the
same ISO boots under both (scripts/mkiso.sh, docs/uefi.md). UEFI boots only
through GRUB: PVH is QEMU's own loader, which OVMF does not run.

Exit status: the kernel leaves QEMU through isa-debug-exit (kernel/power.h),
so QEMU exits (code << 1) | 1; a poweroff (code 0x10 -> 33) maps to 0 here.
"""
import argparse
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

from console import PROMPT, Console

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
KERNEL = os.path.join(BUILD, "carta.elf")
INITRAMFS = os.path.join(BUILD, "initramfs.cpio")            # the user programs
INITRAMFS_TEST = os.path.join(BUILD, "initramfs-test.cpio")  # + malformed ELFs

# kernel/power.h: isa-debug-exit codes and the QEMU exit status each gives
EXIT_SUCCESS = (0x10 << 1) | 1     # 33: poweroff, selftests passed
EXIT_TESTFAIL = (0x11 << 1) | 1    # 35: selftests ran, some failed
EXIT_PANIC = (0x12 << 1) | 1       # 37: panic/oops in test mode
X86_EFLAGS_IF = 1 << 9      # SDM Vol. 1 3.4.3.3: interrupts enabled

# How Qemu() boots when the caller does not say: the one place to change it.
DEFAULT_BOOT = os.environ.get("CARTA_BOOT", "pvh")
# What each boot path puts first in boot_info.loader_name (kernel/multiboot2.c
# copies GRUB's own string; kernel/pvh.c writes "PVH direct boot, ...").
LOADER_NAME = {"grub": "GRUB", "pvh": "PVH direct boot"}


def iso_boot_args(iso):
    return ["-cdrom", iso, "-boot", "d"]


def pvh_boot_args(kernel=KERNEL, initrd=INITRAMFS, cmdline=""):
    """QEMU's own loader: it finds the PVH entry note (boot/pvh_note.asm)."""
    return ["-kernel", kernel, "-initrd", initrd, "-append", cmdline]


# OVMF as Debian's ovmf package installs it: the code, read-only, and a
# template of the variable store, which each QEMU gets a writable copy of
# (UEFI keeps its boot entries there). Two pflash drives: the code first.
OVMF_CODE = os.environ.get("OVMF_CODE", "/usr/share/OVMF/OVMF_CODE.fd")
OVMF_VARS = os.environ.get("OVMF_VARS", "/usr/share/OVMF/OVMF_VARS.fd")
FIRMWARES = ("bios", "uefi")


def ovmf_missing():
    """Why OVMF cannot be used here (a sentence), or None when it can."""
    for path in (OVMF_CODE, OVMF_VARS):
        if not os.path.isfile(path):
            return f"no {path} (the ovmf package; scripts/deps.sh installs it)"
    return None


def firmware_args(firmware, tmpdir):
    """QEMU arguments for the firmware: none for SeaBIOS, QEMU's default;
    for OVMF, its code read-only and a copy of its variable store in tmpdir."""
    if firmware == "bios":
        return []
    if firmware != "uefi":
        raise ValueError(f"firmware={firmware!r}: bios or uefi")
    why = ovmf_missing()
    if why:
        raise FileNotFoundError(why)
    varstore = os.path.join(tmpdir, "OVMF_VARS.fd")
    with open(OVMF_VARS, "rb") as src, open(varstore, "wb") as dst:
        dst.write(src.read())
    return ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={varstore}"]


def base_args(boot_args, mem="256M", cpu="max", accel="tcg", machine="pc", debug_exit=True):
    args = ["qemu-system-x86_64", "-machine", machine, "-accel", accel,
            "-cpu", cpu, "-m", mem] + list(boot_args)
    if debug_exit:
        args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    return args


_iso_lock = threading.Lock()


def iso_for(cmdline="", initramfs=INITRAMFS, kernel=KERNEL):
    """An ISO that boots this kernel with this command line and this
    initramfs (cached: the key covers all three)."""
    h = hashlib.sha1()
    for path in (kernel, initramfs):
        with open(path, "rb") as f:
            h.update(f.read() + b"\0")
    h.update(cmdline.encode())
    key = h.hexdigest()[:16]
    iso = os.path.join(BUILD, "isos", key + ".iso")
    with _iso_lock:     # test threads asking for the same ISO build it once
        if os.path.exists(iso):
            return iso
        os.makedirs(os.path.dirname(iso), exist_ok=True)
        subprocess.run([os.path.join(ROOT, "scripts", "mkiso.sh"), kernel, iso]
                       + cmdline.split(), check=True,
                       env=dict(os.environ, CARTA_INITRAMFS=initramfs))
    return iso


class Qemu(Console):
    """One QEMU running Carta headless: serial on pipes, QMP on a socket.
    boot="grub" boots an ISO (iso, or one made for kernel, cmdline and
    initramfs); boot="pvh" hands QEMU the three directly;
    boot=None is "grub" when an iso is given, else DEFAULT_BOOT. The path
    taken is self.boot. firmware="uefi" boots the ISO under OVMF (boot
    "grub" only)."""

    def __init__(self, cmdline="testmode", mem="256M", cpu="max", machine="pc",
                 extra=(), iso=None, debug_exit=True, boot=None, initramfs=INITRAMFS,
                 kernel=KERNEL, firmware="bios"):
        if boot is None:
            boot = "grub" if iso or firmware == "uefi" else DEFAULT_BOOT
        if boot == "pvh" and iso:
            raise ValueError("boot='pvh' boots no ISO: give kernel= and initramfs=")
        if boot == "pvh" and firmware == "uefi":
            raise ValueError("firmware='uefi' boots through GRUB only: boot='grub'")
        self.boot = boot
        self.firmware = firmware
        self.tmp = tempfile.mkdtemp(prefix="carta-")
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        if boot == "pvh":
            boot_args = pvh_boot_args(kernel, initramfs, cmdline)
        elif boot == "grub":
            boot_args = iso_boot_args(iso or iso_for(cmdline, initramfs, kernel))
        else:
            raise ValueError(f"boot={boot!r}: grub or pvh")
        args = base_args(boot_args, mem, cpu, "tcg", machine, debug_exit)
        args += firmware_args(firmware, self.tmp)
        args += ["-display", "none", "-monitor", "none", "-serial", "stdio",
                 "-no-reboot", "-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        args += list(extra)
        self.args = args
        # stderr to a file: a pipe nobody reads could fill and stall QEMU
        self.stderr = open(os.path.join(self.tmp, "stderr"), "w+b")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr)
        Console.__init__(self, lambda n: os.read(self.proc.stdout.fileno(), n), self._to_stdin)
        self.qmp = None
        self.events = []        # QMP events seen so far (SHUTDOWN, RESET, ...)

    def _to_stdin(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def hmp(self, command):
        """Runs a QEMU monitor command (QMP human-monitor-command)."""
        if self.qmp is None:
            self._qmp_connect()
        return self._qmp("human-monitor-command", {"command-line": command})

    def screendump(self):
        """QEMU's own picture of the display (QMP screendump, a P6 PPM):
        (width, height, RGB bytes, row by row)."""
        from ppm2png import read_ppm
        path = os.path.join(self.tmp, "screen.ppm")
        self.qmp_cmd("screendump", {"filename": path})
        try:
            with open(path, "rb") as f:
                return read_ppm(f.read())
        finally:
            os.unlink(path)

    def qmp_cmd(self, name, args=None):
        if self.qmp is None:
            self._qmp_connect()
        return self._qmp(name, args)

    def _qmp_connect(self):
        for _ in range(100):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.qmp_path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("QMP socket did not appear")
        self.qmp = s.makefile("rw")
        json.loads(self.qmp.readline())          # greeting
        self._qmp("qmp_capabilities")

    def _qmp(self, name, args=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.qmp.write(json.dumps(msg) + "\n")
        self.qmp.flush()
        while True:
            reply = json.loads(self.qmp.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {name}: {reply['error']}")
            if "event" in reply:
                self.events.append(reply)

    def drain_events(self):
        """Reads the QMP events QEMU sent before it exited (or closed the socket)."""
        if self.qmp is None:
            return self.events
        for line in self.qmp:
            try:
                msg = json.loads(line)
            except ValueError:
                break
            if "event" in msg:
                self.events.append(msg)
        return self.events

    def info_tlb(self):
        """QEMU `info tlb`: {virtual page: (physical, flags)} for every mapped
        4 KiB page, as the CPU would translate it now. Flags: X=NX G=global
        P=PSE D=dirty A=accessed C=PCD T=PWT U=user W=writable."""
        entries = {}
        for line in self.hmp("info tlb").splitlines():
            m = re.match(r"([0-9a-f]+): ([0-9a-f]+) (\S+)", line.strip())
            if m:
                entries[int(m.group(1), 16)] = (int(m.group(2), 16), m.group(3))
        return entries

    def wait_halted(self, timeout=20):
        """Waits until the CPU sits in hlt with interrupts off (EFLAGS.IF
        clear): stopped for good, for only an NMI, INIT or reset could wake
        it, and QEMU sends none. Returns `info registers` then; raises
        TimeoutError with them if the CPU does not get there."""
        deadline = time.time() + timeout
        while True:
            regs = self.hmp("info registers")
            m = re.search(r"[ER]FL=([0-9a-f]+) .* HLT=(\d)", regs)
            if m and m.group(2) == "1" and not int(m.group(1), 16) & X86_EFLAGS_IF:
                return regs
            if time.time() > deadline:
                raise TimeoutError(f"CPU not halted with interrupts off:\n{regs}")
            time.sleep(0.05)

    def wait_exit(self, timeout=30):
        """QEMU's exit status, once all it printed has been read; None on timeout."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(5)     # the pipe may still hold the last lines
        return rc

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(1)
        for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
            try:
                stream.close()
            except OSError:
                pass
        try:
            if self.qmp:
                self.qmp.close()
            os.unlink(self.qmp_path)
        except OSError:
            pass
        try:
            for name in ("stderr", "OVMF_VARS.fd"):
                if os.path.exists(os.path.join(self.tmp, name)):
                    os.unlink(os.path.join(self.tmp, name))
            os.rmdir(self.tmp)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    boot = ap.add_mutually_exclusive_group(required=True)
    boot.add_argument("--iso", help="boot this ISO with GRUB")
    boot.add_argument("--kernel", help="boot this ELF by PVH (with --initrd, --append)")
    ap.add_argument("--initrd", default=INITRAMFS)
    ap.add_argument("--append", default="", help="the command line (PVH)")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--machine", default="pc")
    ap.add_argument("--gui", action="store_true")
    ap.add_argument("--firmware", choices=FIRMWARES, default="bios",
                    help="bios: SeaBIOS (QEMU's default); uefi: OVMF (with --iso)")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    if a.firmware == "uefi" and not a.iso:
        ap.error("--firmware uefi boots an ISO (GRUB): PVH is QEMU's loader, which OVMF does not run")
    boot_args = iso_boot_args(a.iso) if a.iso else pvh_boot_args(a.kernel, a.initrd, a.append)
    args = base_args(boot_args, a.mem, a.cpu, a.accel, a.machine)
    tmp = tempfile.mkdtemp(prefix="carta-")
    try:
        args += firmware_args(a.firmware, tmp)
    except FileNotFoundError as e:
        sys.exit(f"qemu: {e}")
    args += ["-serial", "mon:stdio"]
    if not a.gui:
        args += ["-display", "none"]
    args += a.extra
    print("qemu: " + " ".join(args), file=sys.stderr)
    print("qemu: Ctrl-A X quits, Ctrl-A C switches to the monitor (info tlb, info mem)",
          file=sys.stderr)
    try:
        rc = subprocess.call(args)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    sys.exit(0 if rc in (0, EXIT_SUCCESS) else rc)


if __name__ == "__main__":
    main()


PTDUMP_LINE = re.compile(r"^0x([0-9a-f]{16})-0x([0-9a-f]{16})\s+\d+[KMGTPE] (.*) (pgd|p4d|pud|pmd|pte)$", re.M)


def ptdump_ranges(text):
    """Parses `ptdump` output: [(start, end, attrs or None, level)], end exclusive
    (0 for the range that ends at 2^64)."""
    ranges = []
    for start, end, attrs, level in PTDUMP_LINE.findall(text):
        words = attrs.split()
        ranges.append((int(start, 16), int(end, 16), words if words else None, level))
    return ranges


def check_ptdump_against_tlb(ranges, tlb, low=0xffff800000000000):
    """Every leaf QEMU's `info tlb` lists at or above `low` must fall in a present
    ptdump range with the same RW, NX, global, user, PCD and PWT, and in the
    direct map and the kernel image map its linear physical address; every present
    range must be mapped in info tlb at its first and last leaf (info tlb lists
    a 2 MiB or 1 GiB leaf once, at its start). Returns a list of
    disagreements (empty: they agree)."""
    bad = []
    leaf = {"pte": 4096, "pmd": 2 << 20, "pud": 1 << 30}
    present = [(s, e or (1 << 64), a, lv) for s, e, a, lv in ranges if a is not None]
    for va, (_, flags) in sorted(tlb.items()):
        if va < low:
            continue
        hit = [a for s, e, a, _ in present if s <= va < e]
        if not hit:
            bad.append(f"{va:#x}: mapped ({flags}) but no present ptdump range")
            continue
        a = hit[0]
        phys = tlb[va][0]
        for base, end, offset in ((0xffff888000000000, 0xffffc88000000000, 0xffff888000000000),
                                  # the 5-level direct map (la57, mm.rst)
                                  (0xff11000000000000, 0xff91000000000000, 0xff11000000000000),
                                  (0xffffffff80000000, 0xffffffffc0000000, 0xffffffff80000000)):
            # the direct map and the image are linear: physical = virtual - base
            if base <= va < end and phys != va - offset:
                bad.append(f"{va:#x}: info tlb physical {phys:#x}, expected {va - offset:#x}")
        want = {"W": "RW" in a, "X": "NX" in a, "G": "GLB" in a, "U": "USR" in a,
                "C": "PCD" in a, "T": "PWT" in a}
        for letter, on in want.items():
            if (letter in flags) != on:
                bad.append(f"{va:#x}: info tlb {flags} vs ptdump {' '.join(a)} ({letter})")
                break
    for s, e, a, lv in present:
        for va in (s, e - leaf.get(lv, 4096)):
            if va >= low and va not in tlb:
                bad.append(f"ptdump range {s:#x}-{e:#x} present but {va:#x} not in info tlb")
    return bad
