#!/usr/bin/env python3
"""make docs: rewrite the captured output in README.md and docs/*.md from
real runs; --check says which blocks a rewrite would change.

The format (for contributors)
-----------------------------
A generated block is an HTML comment line immediately followed by a fenced
code block:

    <!-- carta-run shell session=vm mem=256M -->
    ```
    carta> meminfo
    (output: rewritten by make docs)
    ```

KIND is one of
  shell  lines starting "carta> " are commands, kept verbatim and typed in
         order into one booted kernel's shell; every other line is output
         and is rewritten.
  boot   the whole fence is the boot log: what the kernel prints up to its
         first prompt (usually with grep=REGEX).
  gdb    lines starting "(gdb) " are commands, run in one real gdb
         (scripts/gdb/carta.gdb loaded) against a QEMU stopped at reset with
         its gdb stub; everything else is rewritten. A "carta> " line in a
         gdb block is typed at the shell's next prompt while the gdb
         command before it runs (a `continue`: the kernel must run to
         reach its prompt); it shows no output of its own.
Options, all optional, as NAME=VALUE (shell quoting: cmdline='a b'):
  session=NAME  blocks of one file with the same NAME share one boot, in
                document order, so state carries over; without it a block
                gets a boot of its own. Boot options come from the first
                block of a session; a later block may repeat but not change
                them.
  mem=256M cpu=max machine=pc boot=pvh|grub cmdline='...' (default: empty,
                as `make run`, so an oops kills the task instead of exiting)
  qemu='ARGS'   more QEMU arguments, split as a shell would: devices for
                the kernel to find, e.g. qemu='-device e1000' (a file
                they name, such as an ivshmem mem-path, is left behind)
  ivshmem='TEXT'  attach an ivshmem-plain device whose memory is a fresh
                1 MiB file in /dev/shm holding TEXT at offset 0, NUL-ended
                (the host's message of docs/device-memory.md); the file is
                removed when the session ends
  firmware=bios|uefi  SeaBIOS (the default) or OVMF, which boots the
                hybrid ISO through GRUB. OVMF runs without -icount: it
                polls timers while it starts, and at one instruction a
                nanosecond it takes 70 s to the prompt instead of 4 s, so
                its blocks should show what does not depend on time
  initramfs=user|test  the programs `make run` boots (user, the default),
                or those plus the malformed ELFs and test-only programs
                (test: build/initramfs-test.cpio)
  emu=qemu|bochs  Bochs (scripts/bochs.py) instead of QEMU: the ISO, on
                the CPU model cpu= names (default: the harness's, which has
                PCID), for what QEMU's TCG cannot show; shell and boot
                blocks only, with none of the QEMU-only options. Bochs's
                clock runs on instructions (clock: sync=none)
  grep=REGEX    keep only the output lines matching (re.search)
  head=N        keep the first N output lines of each command, then "..."
A command may end in a comment, two spaces and "#": "carta> ptdump  # all".
The comment stays in the doc and is not typed.

Determinism: at the source first. Every QEMU runs with
  -icount shift=0,sleep=off   one guest instruction = 1 ns of guest time,
                              and an idle guest's clock jumps to its next
                              timer: the boot, and so its timestamps,
                              TSC and LAPIC calibrations and initcall times,
                              repeats exactly (measured: identical logs)
  -rtc base=2026-01-01T00:00:00,clock=vm   the RTC starts at a fixed date
                              and follows guest time, not the host's.
What still varies is the moment host input arrives (a command typed after
the boot lands at a host-dependent guest time), so the generator then
normalizes, in every output line (the rules are NORMALIZE below):
  1. printk timestamps "[    1.234567]"       -> "[    s.uuuuuu]"
  2. the TSC's and LAPIC timer's rate "999.998 MHz" -> "N.NNN MHz"
  3. RTC date-times "2026-01-01T00:00:05" and the "(epoch seconds)" after
     them -> "YYYY-MM-DDThh:mm:ss", "(seconds)"
  4. host-timing-dependent counts: "N input bytes dropped" -> N
  5. the gdb stub's TCP port (chosen free per run) -> 1234
Times measured during the boot itself (initcall_debug's "after N usecs",
"boot finished in N us") are guest time under -icount and repeat, so
they stay; printk timestamps are normalized all the same, because the
lines a command prints land at a time the host decides.
Lines are also stripped of trailing blanks. Nothing is normalized by hand.

Usage: scripts/docgen.py [--check] [-j N] [FILE...]   (default: README.md,
docs/*.md and docs/labs/*.md). --check rewrites nothing; it prints file:line and a
unified diff for every stale block and exits 1 when there is one.
"""
import argparse
import concurrent.futures
import difflib
import glob
import os
import re
import shlex
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qemu  # noqa: E402
from qemu import Qemu  # noqa: E402
from bochs import BOCHS_CPU, Bochs  # noqa: E402
from gdb_session import Gdb, free_port, gdb_stub_args  # noqa: E402

MARKER = re.compile(r"^<!-- carta-run (\w+)(.*?)-->\s*$")
FENCE = re.compile(r"^```")
PROMPTS = {"shell": "carta> ", "gdb": "(gdb) "}
SHELL_PROMPT = "carta> "
BOOT_OPTS = ("mem", "cpu", "machine", "boot", "cmdline", "initramfs", "qemu", "ivshmem",
             "firmware", "emu")
OPTIONS = BOOT_OPTS + ("session", "grep", "head")
DEFAULTS = {"mem": "256M", "cpu": "max", "machine": "pc", "boot": "pvh", "cmdline": "",
            "initramfs": "user", "qemu": "", "ivshmem": "", "firmware": "bios", "emu": "qemu"}
# initramfs=test boots the archive with the malformed ELFs and test-only
# programs too (build/initramfs-test.cpio), as the system tests do.
INITRAMFS = {"user": qemu.INITRAMFS, "test": qemu.INITRAMFS_TEST}
DETERMINISM = ["-icount", "shift=0,sleep=off", "-rtc", "base=2026-01-01T00:00:00,clock=vm"]
# A command ends at the next prompt, or at the end of a panic's report (no
# prompt follows one: the machine halts).
END = r"^" + re.escape(SHELL_PROMPT) + r"|^.*---\[ end Kernel panic.*$"

NORMALIZE = [
    (re.compile(r"\[\s*\d+\.\d{6}\]"), "[    s.uuuuuu]"),
    (re.compile(r"\b\d+\.\d+ MHz"), "N.NNN MHz"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\b( UTC)? \(\d+\)"),
     r"YYYY-MM-DDThh:mm:ss\1 (seconds)"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\b"), "YYYY-MM-DDThh:mm:ss"),
    (re.compile(r"\b\d+ input bytes dropped\b"), "N input bytes dropped"),
    (re.compile(r"(127\.0\.0\.1|localhost):\d+"), r"\1:1234"),
]


def normalize(line):
    for rx, repl in NORMALIZE:
        line = rx.sub(repl, line)
    return line.rstrip()


class DocError(Exception):
    pass


class Block:
    """One generated block: the marker at lines[marker], its fence's
    content lines[start:end] (end is the closing fence)."""

    def __init__(self, path, marker, start, end, kind, opts, body):
        self.path, self.marker, self.start, self.end = path, marker, start, end
        self.kind, self.opts, self.body = kind, opts, body
        self.new = None

    @property
    def where(self):
        return f"{os.path.relpath(self.path)}:{self.marker + 1}"

    def commands(self):
        """The command lines, in order, with their prompts."""
        prompts = [PROMPTS[self.kind]] if self.kind in PROMPTS else []
        if self.kind == "gdb":
            prompts.append(SHELL_PROMPT)
        return [ln for ln in self.body if any(ln.startswith(p) for p in prompts)]


def parse_opts(text, where):
    opts = {}
    for word in shlex.split(text):
        name, eq, value = word.partition("=")
        if not eq or name not in OPTIONS:
            raise DocError(f"{where}: unknown option {word!r} (known: {', '.join(OPTIONS)})")
        opts[name] = value
    if "initramfs" in opts and opts["initramfs"] not in INITRAMFS:
        raise DocError(f"{where}: initramfs={opts['initramfs']!r}: say user or test")
    if "head" in opts and not opts["head"].isdigit():
        raise DocError(f"{where}: head={opts['head']!r} is not a number")
    if "grep" in opts:
        try:
            opts["grep"] = re.compile(opts["grep"])
        except re.error as e:
            raise DocError(f"{where}: grep: {e}")
    return opts


def parse(path):
    """The file's lines and its blocks."""
    with open(path) as f:
        lines = f.read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        where = f"{path}:{i + 1}"
        kind = m.group(1)
        if kind not in ("shell", "boot", "gdb"):
            raise DocError(f"{where}: unknown kind {kind!r} (shell, boot or gdb)")
        if i + 1 >= len(lines) or not FENCE.match(lines[i + 1]):
            raise DocError(f"{where}: the marker must be followed at once by a ``` fence")
        end = i + 2
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        if end == len(lines):
            raise DocError(f"{where}: the fence is never closed")
        blocks.append(Block(path, i, i + 2, end, kind, parse_opts(m.group(2), where),
                            lines[i + 2:end]))
        i = end + 1
    return lines, blocks


def command_text(line, prompt):
    """What is typed for a command line: without its prompt and its comment."""
    text = line[len(prompt):]
    return re.split(r"\s{2,}#", text, maxsplit=1)[0].rstrip()


def shape(output, opts):
    """An output's lines, normalized, filtered by grep=, cut by head=."""
    lines = [normalize(ln) for ln in output.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if "grep" in opts:
        lines = [ln for ln in lines if opts["grep"].search(ln)]
    if "head" in opts and len(lines) > int(opts["head"]):
        lines = lines[:int(opts["head"])] + ["..."]
    return lines


def run_shell(vm, line):
    """Types one command; returns what it printed up to the next prompt (or
    to the end of a panic's report, plus what the halting machine adds)."""
    start = len(vm.out)
    vm.send(line + "\r")
    # the echo of the line itself: a background program may print first
    echo_end = vm.wait_for(re.escape(line) + r"\n", 30, start).end()
    m = vm.wait_for(END, 60, echo_end)
    if m.group(0).startswith(SHELL_PROMPT):
        return vm.out[echo_end:m.start()]
    vm.wait_halted(20)
    time.sleep(0.2)     # the last lines of the halt message, still in the pipe
    return vm.out[echo_end:]


def boot_log(vm, timeout):
    m = vm.wait_for(END, timeout)
    return vm.out[:m.start()] if m.group(0).startswith(SHELL_PROMPT) else vm.out


def render(block, outputs):
    """The block's new content: each command line followed by its output."""
    if block.kind == "boot":
        return shape(outputs[0], block.opts)
    new = []
    cmds = iter(outputs)
    for line in block.commands():
        new.append(line)
        new += shape(next(cmds), block.opts)
    return new


IVSHMEM_SIZE = 1 << 20


def ivshmem_file(text):
    """A fresh /dev/shm file for ivshmem=: TEXT and a NUL at 0, zeros to 1 MiB."""
    fd, path = tempfile.mkstemp(prefix="carta-docs-ivshmem-", dir="/dev/shm")
    with os.fdopen(fd, "wb") as f:
        data = text.encode() + b"\0"
        f.write(data + bytes(IVSHMEM_SIZE - len(data)))
    return path


def ivshmem_args(path):
    return ["-object", f"memory-backend-file,id=hostmem,share=on,mem-path={path},size=1M",
            "-device", "ivshmem-plain,memdev=hostmem"]


def run_session(blocks):
    """Boots once for these blocks (one session) and fills each block.new."""
    opts = dict(DEFAULTS)
    opts.update({k: v for k, v in blocks[0].opts.items() if k in BOOT_OPTS})
    if not opts["ivshmem"]:
        return run_session_in(blocks, [])
    path = ivshmem_file(opts["ivshmem"])
    try:
        return run_session_in(blocks, ivshmem_args(path))
    finally:
        os.unlink(path)


def run_session_in(blocks, devices):
    opts = dict(DEFAULTS)
    opts.update({k: v for k, v in blocks[0].opts.items() if k in BOOT_OPTS})
    for b in blocks[1:]:
        for k in BOOT_OPTS:
            if k in b.opts and b.opts[k] != opts[k]:
                raise DocError(f"{b.where}: {k}={b.opts[k]} differs from the session's "
                               f"first block ({blocks[0].where}: {opts[k]})")
    kinds = {b.kind for b in blocks}
    if "gdb" in kinds and kinds != {"gdb"}:
        raise DocError(f"{blocks[0].where}: a session is either gdb blocks or shell/boot blocks")
    if opts["firmware"] not in ("bios", "uefi"):
        raise DocError(f"{blocks[0].where}: firmware={opts['firmware']!r}: say bios or uefi")
    uefi = opts["firmware"] == "uefi"
    if uefi:
        if "boot" in blocks[0].opts and opts["boot"] != "grub":
            raise DocError(f"{blocks[0].where}: firmware=uefi boots the ISO: boot=grub")
        opts["boot"] = "grub"
    determinism = DETERMINISM[2:] if uefi else DETERMINISM     # the RTC only
    extra = list(determinism) + shlex.split(opts["qemu"]) + devices
    port = None
    if "gdb" in kinds:
        port = free_port()
        extra += gdb_stub_args(port)
    if opts["emu"] not in ("qemu", "bochs"):
        raise DocError(f"{blocks[0].where}: emu={opts['emu']!r}: say qemu or bochs")
    if opts["emu"] == "bochs":
        with bochs_for(blocks[0], opts, kinds, devices) as vm:
            fill_console_blocks(vm, blocks, 60)
        return
    with Qemu(cmdline=opts["cmdline"], mem=opts["mem"], cpu=opts["cpu"],
              machine=opts["machine"], boot=opts["boot"], extra=extra,
              initramfs=INITRAMFS[opts["initramfs"]], firmware=opts["firmware"]) as vm:
        if port is None:
            fill_console_blocks(vm, blocks, 120 if uefi else 60)
            return
        vm.qmp_cmd("query-status")      # QEMU is up, so its gdb stub listens
        with Gdb(port, timeout=60) as gdb:
            gdb.cmd("set width 0")      # no wrapping at 80 columns: a pipe is no terminal
            seen = 0                    # vm.out up to here holds only used prompts
            for b in blocks:
                outs = []
                cmds = b.commands()
                for i, ln in enumerate(cmds):
                    if ln.startswith(SHELL_PROMPT):
                        outs.append("")
                        continue
                    typed = []
                    for nxt in cmds[i + 1:]:
                        if not nxt.startswith(SHELL_PROMPT):
                            break
                        typed.append(command_text(nxt, SHELL_PROMPT))
                    if not typed:
                        outs.append(gdb.cmd(command_text(ln, PROMPTS["gdb"])))
                        continue
                    # gdb waits in this command while the kernel runs to its prompt
                    with concurrent.futures.ThreadPoolExecutor(1) as one:
                        fut = one.submit(gdb.cmd, command_text(ln, PROMPTS["gdb"]))
                        for text in typed:
                            seen = vm.wait_for(r"^" + re.escape(SHELL_PROMPT), 60, seen).end()
                            vm.send(text + "\r")
                        outs.append(fut.result(90))
                b.new = render(b, outs)


def fill_console_blocks(vm, blocks, timeout):
    """Boot and shell blocks: the boot log, then each command's output."""
    log = boot_log(vm, timeout)
    for b in blocks:
        if b.kind == "boot":
            b.new = render(b, [log])
        else:
            b.new = render(b, [run_shell(vm, command_text(ln, SHELL_PROMPT))
                               for ln in b.commands()])


def bochs_for(first, opts, kinds, devices):
    """A Bochs for a session of emu=bochs blocks (the ISO: GRUB)."""
    qemu_only = [k for k in ("machine", "boot", "qemu", "ivshmem", "firmware")
                 if k in first.opts]
    if qemu_only or devices or "gdb" in kinds:
        raise DocError(f"{first.where}: emu=bochs takes shell and boot blocks, without "
                       f"{', '.join(qemu_only) or 'gdb'}")
    cpu = BOCHS_CPU if "cpu" not in first.opts else opts["cpu"]
    return Bochs(cmdline=opts["cmdline"], cpu=cpu, mem=opts["mem"],
                 initramfs=INITRAMFS[opts["initramfs"]])


def sessions(blocks):
    """Blocks grouped into boots: a session name groups a file's blocks."""
    groups = {}
    for i, b in enumerate(blocks):
        key = (b.path, b.opts["session"]) if "session" in b.opts else (b.path, i)
        groups.setdefault(key, []).append(b)
    return list(groups.values())


def generate(paths, jobs):
    """Runs every block of these files; returns {path: (lines, blocks)}."""
    docs = {p: parse(p) for p in paths}
    groups = sessions([b for _, blocks in docs.values() for b in blocks])
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run_session, g): g for g in groups}
        errors = []
        for fut in concurrent.futures.as_completed(futures):
            try:
                fut.result()
            except Exception as e:      # report every failed session, not the first
                errors.append(f"{futures[fut][0].where}: {type(e).__name__}: {e}")
        if errors:
            raise DocError("\n".join(errors))
    return docs


def rewritten(lines, blocks):
    out = list(lines)
    for b in reversed(blocks):
        out[b.start:b.end] = b.new
    return "\n".join(out)


def block_diff(b):
    """A unified diff of the block's output, its hunks numbered by the
    file's own lines."""
    hunk = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")
    out = []
    for ln in difflib.unified_diff(b.body, b.new, "in the doc", "regenerated", n=1, lineterm=""):
        m = hunk.match(ln)
        if m:
            ln = (f"@@ -{int(m.group(1)) + b.start}{m.group(2) or ''} "
                  f"+{int(m.group(3)) + b.start}{m.group(4) or ''} @@")
        out.append(ln)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="rewrite nothing; exit 1 if stale")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    paths = a.files or [os.path.join(ROOT, "README.md")] + sorted(
        glob.glob(os.path.join(ROOT, "docs", "*.md")) +
        glob.glob(os.path.join(ROOT, "docs", "labs", "*.md")))
    try:
        docs = generate(paths, a.jobs)
    except DocError as e:
        print(f"docgen: {e}", file=sys.stderr)
        return 2
    stale = 0
    nblocks = 0
    for path, (lines, blocks) in docs.items():
        nblocks += len(blocks)
        for b in blocks:
            if b.new != b.body:
                stale += 1
                if a.check:
                    print(f"{b.where}: stale {b.kind} block")
                    print("\n".join(block_diff(b)[:40]))
        if not a.check:
            text = rewritten(lines, blocks)
            with open(path) as f:
                if f.read() != text:
                    with open(path, "w") as w:
                        w.write(text)
    verb = "stale" if a.check else "rewritten"
    print(f"docgen: {nblocks} blocks in {len(docs)} files, {stale} {verb}",
          file=sys.stderr)
    return 1 if a.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
