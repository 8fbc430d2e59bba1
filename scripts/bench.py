#!/usr/bin/env python3
"""make bench: Carta's figures under TCG, reported, never pass/fail.

Deterministic figures (BENCH_ONLY=ticks), QEMU with -icount shift=0,sleep=off
so that the TSC counts guest instructions: ticks per demand-zero fault and
the part of it spent zeroing, per getpid, per spawn+exit+wait of user/true
(user/ubench measures them in user mode; `bench fault` gives the zeroing),
and the kernel's `bench vmalloc` table (vmalloc+vfree of 1 and 16 pages
with 10, 1,000 and 10,000 live areas). Each boot is done twice and the two
compared: the figures must repeat exactly. The address-space modes
(=modes, scripts/bench_modes.py): getpid and a two-process ping-pong for
pti off/on x pcid off/on, deterministic ticks too. The boot profile (=profile):
each start_kernel step under initcall_debug, also under -icount, at 256M,
1G, 4G and 8G, two boots each.

Wall-clock figures, without -icount (they measure the host too): boot to
prompt by GRUB and by PVH against a floor kernel of the same kind
(scripts/bench/floor.asm, built into build/bench/) that exits at its first
instruction, interleaved (=floor); the shell's latency with 0, 50 and 200
CPU-bound programs running (=shell); boot to prompt on a few machine
configurations (=boot). Each figure is compared with its target
(docs/performance.md) in words; nothing fails.

BENCH_ONLY=PART runs one part. BENCH_RUNS=N boots per wall-clock figure
(default 5; 7 for the floor comparison unless set). BENCH_BASE=REV also
builds the kernel at git revision REV (exported to a directory in /tmp) and
boots it interleaved with this one at 256M, 4G and 8G: kernel entry to
prompt and wall time to prompt, old and new, and their ratios."""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import bench_floor  # noqa: E402
import bench_ticks  # noqa: E402
import bench_modes  # noqa: E402
from bench_ticks import ICOUNT, met  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CONFIGS = [dict(mem="256M", cpu="max"), dict(mem="256M", cpu="qemu64"),
           dict(mem="4G", cpu="max"), dict(mem="256M", cpu="max", machine="q35")]


def one(cfg):
    iso = qemu.iso_for("")
    t0 = time.time()
    with qemu.Qemu(cmdline="", iso=iso, **cfg) as vm:
        vm.wait_prompt(60)
        wall = time.time() - t0
        m = re.search(r"boot finished in (\d+) us", vm.out)
    return wall, int(m.group(1)) / 1e6 if m else float("nan")


def shell_latency(spinners, commands=10):
    """Wall time from typing a short command to the next prompt, with
    `spinners` CPU-bound user programs (spin) running in the background:
    median [min-max] over `commands` runs, in ms."""
    with qemu.Qemu(cmdline="", iso=qemu.iso_for(""), mem="512M", cpu="max") as vm:
        vm.wait_prompt(60)
        for _ in range(spinners):
            vm.command("run spin &", timeout=600)
        times = []
        for _ in range(commands):
            t0 = time.time()
            vm.command("directmap", timeout=600)
            times.append((time.time() - t0) * 1000)
    return statistics.median(times), min(times), max(times)


def bench_shell():
    print("shell latency under load (ms from Enter to the next prompt, 10 commands: median [min-max])")
    for n in (0, 50, 200):
        med, lo, hi = shell_latency(n)
        print(f"  {n:3d} spinners   {med:8.1f} [{lo:.1f}-{hi:.1f}]", flush=True)


PROFILE_MEMS = ("256M", "1G", "4G", "8G")
COMPARE_MEMS = ("256M", "4G", "8G")
ENTRY_TO_PROMPT_MS = {"256M": 60, "8G": 150}     # targets, docs/performance.md
STEP = re.compile(r"initcall (\w+)\+0x0/0x[0-9a-f]+ returned -?\d+ after (\d+) usecs")
FINISHED = re.compile(r"boot finished in (\d+) us")


def boot_profile(mem):
    """One boot with initcall_debug under -icount: {step: usecs} and the
    kernel's total (us); with the TSC at one tick per instruction, a usec
    is 1,000 instructions. The lines are KERN_DEBUG: read back with dmesg,
    so the serial console prints no more than in a normal boot."""
    with qemu.Qemu(cmdline="initcall_debug", iso=qemu.iso_for("initcall_debug"), mem=mem,
                   extra=ICOUNT) as vm:
        vm.wait_prompt(120)
        total = int(FINISHED.search(vm.out).group(1))
        log = vm.command("dmesg", timeout=60)
    return {name: int(us) for name, us in STEP.findall(log)}, total


def bench_profile():
    runs = {mem: [boot_profile(mem) for _ in range(2)] for mem in PROFILE_MEMS}
    same = all(a == b for a, b in runs.values())
    steps = []
    for mem in PROFILE_MEMS:
        for prof, _ in runs[mem]:
            steps += [name for name in prof if name not in steps]
    print("boot profile: start_kernel steps (initcall_debug) under -icount, usecs "
          "(1 usec = 1,000 instructions)")
    print(f"  {'step':28s}" + "".join(f"{mem:>9s}" for mem in PROFILE_MEMS))
    for name in steps:
        cells = [f"{runs[mem][0][0][name]:9d}" if name in runs[mem][0][0] else f"{'-':>9s}"
                 for mem in PROFILE_MEMS]
        print(f"  {name:28s}" + "".join(cells))
    totals = {mem: runs[mem][0][1] for mem in PROFILE_MEMS}
    print(f"  {'boot finished in (us)':28s}" + "".join(f"{totals[m]:9d}" for m in PROFILE_MEMS))
    print(f"  {'sum of the steps':28s}" +
          "".join(f"{sum(runs[m][0][0].values()):9d}" for m in PROFILE_MEMS))
    print(f"  repeat: a second boot at each size gave {'identical' if same else 'DIFFERENT'} figures")
    for mem, limit in ENTRY_TO_PROMPT_MS.items():
        ms = totals[mem] / 1000
        print(f"  kernel entry to prompt at {mem}: {ms:.1f} ms of guest time "
              f"(target <= {limit} ms: {met(ms <= limit)})", flush=True)


def base_iso(rev):
    """An ISO of the kernel and user programs at git revision rev, built in
    an exported tree in /tmp (kept, keyed by commit, for the next run)."""
    commit = subprocess.run(["git", "-C", qemu.ROOT, "rev-parse", rev], check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = os.path.join(tempfile.gettempdir(), "carta-bench-" + commit[:12])
    iso = os.path.join(tree, "build", "bench.iso")
    if not os.path.exists(iso):
        os.makedirs(tree, exist_ok=True)
        archive = subprocess.run(["git", "-C", qemu.ROOT, "archive", commit], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        subprocess.run(["make", "-C", tree, "-j2", "all", "user"], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([os.path.join(tree, "scripts", "mkiso.sh"),
                        os.path.join(tree, "build", "carta.elf"), iso], check=True,
                       env=dict(os.environ, CARTA_USER_DIR=os.path.join(tree, "build", "user")))
    return iso


def boot_to_prompt(iso, mem):
    """Wall seconds from starting QEMU to the prompt, and the kernel's own us."""
    t0 = time.time()
    with qemu.Qemu(cmdline="", iso=iso, mem=mem) as vm:
        vm.wait_prompt(120)
        wall = time.time() - t0
        return wall, int(FINISHED.search(vm.out).group(1))


def bench_compare(rev):
    """Old (rev) and new kernels booted alternately, so that a busy host
    slows both alike; medians, and new/old."""
    isos = {"old": base_iso(rev), "new": qemu.iso_for("")}
    print(f"boot to prompt, {rev} (old) against this tree (new), {RUNS} interleaved boots each: median")
    print(f"  {'mem':6s}{'kernel old':>12s}{'kernel new':>12s}{'new/old':>9s}"
          f"{'wall old':>11s}{'wall new':>11s}{'new/old':>9s}")
    for mem in COMPARE_MEMS:
        res = {"old": [], "new": []}
        for i in range(RUNS):
            for which in (("old", "new") if i % 2 == 0 else ("new", "old")):
                res[which].append(boot_to_prompt(isos[which], mem))
        wall = {k: statistics.median(w for w, _ in v) for k, v in res.items()}
        kern = {k: statistics.median(us for _, us in v) / 1000 for k, v in res.items()}
        print(f"  {mem:6s}{kern['old']:9.1f} ms{kern['new']:9.1f} ms{kern['new'] / kern['old']:9.2f}"
              f"{wall['old']:9.3f} s{wall['new']:9.3f} s{wall['new'] / wall['old']:9.2f}", flush=True)


def bench_boot():
    print(f"boot to prompt under TCG, {RUNS} runs each (median [min-max])")
    for cfg in CONFIGS:
        walls, kern = zip(*(one(cfg) for _ in range(RUNS)))
        name = " ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"  {name:32s} wall {statistics.median(walls):.3f} s "
              f"[{min(walls):.3f}-{max(walls):.3f}]   kernel {statistics.median(kern) * 1000:.1f} ms")


def main():
    only = os.environ.get("BENCH_ONLY")
    base = os.environ.get("BENCH_BASE")
    parts = {"ticks": bench_ticks.bench_ticks, "modes": bench_modes.bench_modes,
             "profile": bench_profile,
             "floor": bench_floor.bench_floor, "shell": bench_shell, "boot": bench_boot}
    if only and only not in parts:
        sys.exit(f"bench.py: BENCH_ONLY={only}: not one of {', '.join(parts)}")
    for name, part in parts.items():
        if not only or only == name:
            part()
    if base:
        bench_compare(base)


if __name__ == "__main__":
    main()
