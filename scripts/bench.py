#!/usr/bin/env python3
"""make bench: boot-time figures under TCG, reported, never pass/fail.

For each configuration, boots the ISO N times and reports the median and
range of (a) wall time from starting QEMU to the `carta> ` prompt on serial,
and (b) the kernel's own figure, "boot finished in N us" (TSC time from
start_kernel, which includes the 5 ms TSC calibration). First, the
kernel's `bench vmalloc` table: cycles per vmalloc+vfree with 10, 1,000
and 10,000 live areas; then the shell's latency with 0, 50 and 200
CPU-bound programs running; then the boot profile: each start_kernel step's
median duration (cmdline initcall_debug, read back with dmesg) at 256M, 1G,
4G and 8G.

BENCH_ONLY=shell, =profile or =boot runs only that part. BENCH_RUNS=N boots
per figure (default 5). BENCH_BASE=REV also builds the kernel at git
revision REV (exported to a directory in /tmp) and boots it interleaved
with this one at 256M, 4G and 8G: kernel entry to prompt and wall time to
prompt, old and new, and their ratios."""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

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


def bench_vmalloc():
    """The kernel's own `bench vmalloc` table (cycles under TCG)."""
    with qemu.Qemu(cmdline="", iso=qemu.iso_for(""), mem="256M", cpu="max") as vm:
        vm.wait_prompt(60)
        print(vm.command("bench vmalloc", timeout=300).rstrip())


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
STEP = re.compile(r"initcall (\w+)\+0x0/0x[0-9a-f]+ returned -?\d+ after (\d+) usecs")
FINISHED = re.compile(r"boot finished in (\d+) us")


def boot_profile(mem):
    """One boot with initcall_debug: {step: usecs} and the kernel's total
    (us). The lines are KERN_DEBUG: read back with dmesg, so the serial
    console prints no more than in a normal boot."""
    with qemu.Qemu(cmdline="initcall_debug", iso=qemu.iso_for("initcall_debug"), mem=mem) as vm:
        vm.wait_prompt(120)
        total = int(FINISHED.search(vm.out).group(1))
        log = vm.command("dmesg", timeout=60)
    return {name: int(us) for name, us in STEP.findall(log)}, total


def bench_profile():
    runs = {mem: [boot_profile(mem) for _ in range(RUNS)] for mem in PROFILE_MEMS}
    steps = []
    for mem in PROFILE_MEMS:
        for prof, _ in runs[mem]:
            steps += [name for name in prof if name not in steps]
    print(f"boot profile: start_kernel steps (initcall_debug), median usecs of {RUNS} boots")
    print(f"  {'step':28s}" + "".join(f"{mem:>9s}" for mem in PROFILE_MEMS))
    for name in steps:
        cells = []
        for mem in PROFILE_MEMS:
            vals = [prof[name] for prof, _ in runs[mem] if name in prof]
            cells.append(f"{statistics.median(vals):9.0f}" if vals else f"{'-':>9s}")
        print(f"  {name:28s}" + "".join(cells))
    print(f"  {'boot finished in (us)':28s}" +
          "".join(f"{statistics.median(t for _, t in runs[mem]):9.0f}" for mem in PROFILE_MEMS))
    print(f"  {'sum of the steps':28s}" +
          "".join(f"{statistics.median(sum(p.values()) for p, _ in runs[mem]):9.0f}"
                  for mem in PROFILE_MEMS), flush=True)


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
    parts = {"shell": bench_shell, "profile": bench_profile, "boot": bench_boot}
    if only and only not in parts:
        sys.exit(f"bench.py: BENCH_ONLY={only}: not one of {', '.join(parts)}")
    if only:
        parts[only]()
    else:
        bench_vmalloc()
        bench_shell()
        bench_boot()
        bench_profile()
    if base:
        bench_compare(base)


if __name__ == "__main__":
    main()
