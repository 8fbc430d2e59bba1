#!/usr/bin/env python3
"""make grade [LAB=NAME]: grade labs by their behaviour (docs/labs/README.md).

In a handout (a tree `make lab` wrote: its file .lab names the lab) this
grades that lab; in the full tree it grades LAB, or every lab with a
grader when LAB is not given. The grader of lab NAME is tests/labs/NAME.py:

    LAB = "NAME"; TITLE = "one line"
    BOOT = dict(cmdline=..., mem=..., cpu=..., machine=..., extra=[...])   optional
    CHECKS = [(points, "what is checked", fn), ...]     fn(ctx) raises AssertionError
    CUT_CHECKS = ["what is checked", ...]               must fail on the handout

ctx.shell(cmd, timeout=30) types a command on the lab's one shared boot
(booted on first use, PVH, from this tree's build); ctx.vm is that
scripts/qemu.py Qemu (ctx.vm.hmp("info tlb"), ctx.vm.info_tlb(), ...);
ctx.fresh(**boot) is a context manager giving a Qemu of its own, booted to
the prompt; ctx.root is the tree's root.

The tree is built first (`make all user`, BUILD_TIMEOUT). A kernel that
does not build, or does not reach the prompt within BOOT_TIMEOUT, scores 0
on every check with the one reason (the compiler's error, or the boot's
`lab ...: not implemented yet` and panic lines); no check runs longer than
CHECK_TIMEOUT. Prints `  PASS  5/5  what` or `  FAIL  0/5  what: why` per
check, then `score: N/M` (with every lab: one line per lab, then the
total); exit status 0 at full marks, 1 below, 2 on a usage error.

Options: --lab NAME, --only "what is checked" (repeatable: grade only
those checks; `--only cut` means the lab's CUT_CHECKS), --no-build.
"""
import argparse
import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
sys.path.insert(0, os.path.join(ROOT, "tests", "labs"))
import qemu  # noqa: E402

BUILD_TIMEOUT = 300     # a fresh tree's whole build on one loaded core fits
BOOT_TIMEOUT = 30       # PVH to the prompt takes about a second under TCG
CHECK_TIMEOUT = 60
LAB_ORDER = ["pgwalk", "fixmap", "directmap", "buddy", "vmalloc", "usersplit",
             "usyscall", "pgaccess", "cow"]


class NotGradable(Exception):
    """The tree cannot be graded at all (no build, no prompt): the one reason
    every check gets."""


def boot_failure_reason(vm, timeout):
    """One line saying why vm never showed the prompt: the stubs that ran,
    the panic or oops, or how QEMU ended."""
    out = vm.out
    stubs = re.findall(r"lab \S+: (\S+) not implemented yet", out)
    bad = re.search(r"^.*(Kernel panic - not syncing: .*|BUG: .*|kernel BUG at .*|"
                    r"general protection fault.*|page fault.*)$", out, re.M)
    rc = vm.proc.poll()
    parts = ["the kernel never reached the prompt"]
    parts.append(f"(QEMU exited, status {rc})" if rc is not None else f"in {timeout} s")
    if stubs:
        parts.append("; not implemented: " + ", ".join(dict.fromkeys(stubs)))
    if bad:
        parts.append("; " + bad.group(1).strip())
    elif not stubs:
        last = [line for line in out.splitlines() if line.strip()]
        parts.append("; last line: " + (last[-1].strip() if last else "(no output at all)"))
    return " ".join(parts).replace(" ;", ";")


class Ctx:
    """What a check gets: the tree, the lab's shared boot, fresh boots."""

    def __init__(self, root, boot):
        self.root = root
        self.boot = dict(boot or {})
        self._vm = None
        self.failed_boot = None     # the reason, once a boot has failed

    def _start(self, **boot):
        if self.failed_boot:
            raise NotGradable(self.failed_boot)
        kw = dict(self.boot, **boot)
        vm = qemu.Qemu(kernel=os.path.join(self.root, "build", "carta.elf"),
                       initramfs=os.path.join(self.root, "build", "initramfs.cpio"),
                       boot="pvh", **kw)
        try:
            vm.wait_prompt(BOOT_TIMEOUT)
        except TimeoutError:
            self.failed_boot = boot_failure_reason(vm, BOOT_TIMEOUT)
            vm.close()
            raise NotGradable(self.failed_boot)
        return vm

    @property
    def vm(self):
        if self._vm is None:
            self._vm = self._start()
        return self._vm

    def shell(self, cmd, timeout=30):
        vm = self.vm
        try:
            return vm.command(cmd, timeout)
        except TimeoutError:
            if vm.proc.poll() is not None:      # the kernel died under this command
                reason = boot_failure_reason(vm, timeout).replace(
                    "never reached the prompt", f"died running `{cmd}`")
                self.close()
                raise AssertionError(reason)
            raise AssertionError(f"`{cmd}` gave no prompt back within {timeout} s; "
                                 f"last output: {vm.out[-300:].strip()!r}")

    @contextlib.contextmanager
    def fresh(self, **boot):
        vm = self._start(**boot)
        try:
            yield vm
        finally:
            vm.close()

    def close(self):
        if self._vm is not None:
            self._vm.close()
            self._vm = None


def load_grader(root, lab):
    path = os.path.join(root, "tests", "labs", lab + ".py")
    spec = importlib.util.spec_from_file_location(f"lab_{lab}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def known_labs(root):
    d = os.path.join(root, "tests", "labs")
    have = {f[:-3] for f in os.listdir(d) if f.endswith(".py") and not f.startswith("_")}
    return [n for n in LAB_ORDER if n in have] + sorted(have - set(LAB_ORDER))


def build(root):
    """None if `make all user` succeeds within BUILD_TIMEOUT, else the reason."""
    try:
        p = subprocess.run(["make", "-C", root, "--no-print-directory", "-j2", "all", "user"],
                           capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"the build did not finish in {BUILD_TIMEOUT} s"
    if p.returncode == 0:
        return None
    errs = [line for line in p.stderr.splitlines() if "error" in line.lower()]
    return "the kernel does not build: " + (errs[0].strip() if errs else
                                            (p.stderr.strip().splitlines() or ["?"])[-1])


class CheckTimeout(Exception):
    pass


def run_check(fn, ctx):
    """None if fn(ctx) passes, else the one-line reason. CHECK_TIMEOUT by
    SIGALRM where this is the main thread (a thread has no alarm: the
    shell's own timeouts bound it there)."""
    main = threading.current_thread() is threading.main_thread()

    def expire(signum, frame):
        raise CheckTimeout()
    if main:
        old = signal.signal(signal.SIGALRM, expire)
        signal.alarm(CHECK_TIMEOUT)
    try:
        fn(ctx)
        return None
    except NotGradable as e:
        return str(e)
    except CheckTimeout:
        ctx.close()
        return f"the check took over {CHECK_TIMEOUT} s"
    except AssertionError as e:
        msg = str(e).strip() or "assertion failed"
        return " / ".join(line.strip() for line in msg.splitlines()[:6])
    except Exception as e:      # a grader bug or QEMU trouble: still one line
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    finally:
        if main:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)


def grade_lab(root, lab, only=None, unbuildable=None, out=sys.stdout):
    """Grades one lab; returns (score, max, seconds)."""
    t0 = time.time()
    g = load_grader(root, lab)
    checks = g.CHECKS
    if only:
        names = set(g.CUT_CHECKS if only == ["cut"] else only)
        missing = names - {what for _, what, _ in checks}
        if missing:
            raise SystemExit(f"grade: lab {lab} has no check {sorted(missing)[0]!r}")
        checks = [c for c in checks if c[1] in names]
    print(f"lab {lab}: {g.TITLE}", file=out, flush=True)
    ctx = Ctx(root, getattr(g, "BOOT", None))
    if unbuildable:
        ctx.failed_boot = unbuildable
    score = total = 0
    try:
        for points, what, fn in checks:
            why = run_check(fn, ctx)
            got = 0 if why else points
            score += got
            total += points
            line = f"  {'PASS' if not why else 'FAIL'}  {got}/{points}  {what}"
            print(line + (f": {why}" if why else ""), file=out, flush=True)
    finally:
        ctx.close()
    secs = time.time() - t0
    print(f"score: {score}/{total}  ({secs:.1f} s)", file=out, flush=True)
    return score, total, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lab", default="")
    ap.add_argument("--only", action="append")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    labs = known_labs(ROOT)
    marker = os.path.join(ROOT, ".lab")
    here = open(marker).read().strip() if os.path.exists(marker) else ""
    if args.lab and args.lab not in labs:
        print(f"grade: no lab {args.lab!r} (labs: {', '.join(labs)})", file=sys.stderr)
        return 2
    if here and args.lab and args.lab != here:
        print(f"grade: this tree is the handout of lab {here}, not {args.lab}", file=sys.stderr)
        return 2
    chosen = [args.lab or here] if (args.lab or here) else labs
    if args.only and len(chosen) != 1:
        print("grade: --only needs one lab (--lab NAME)", file=sys.stderr)
        return 2
    reason = None if args.no_build else build(ROOT)
    results = [(lab,) + grade_lab(ROOT, lab, args.only, reason) for lab in chosen]
    if len(results) > 1:
        print()
        for lab, s, m, secs in results:
            print(f"  {lab:10} {s:3}/{m:<3}  ({secs:.1f} s)")
        print(f"score: {sum(r[1] for r in results)}/{sum(r[2] for r in results)}")
    return 0 if all(s == m for _, s, m, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
