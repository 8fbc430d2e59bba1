#!/usr/bin/env python3
"""make bench: boot-time figures under TCG, reported, never pass/fail.

For each configuration, boots the ISO N times and reports the median and
range of (a) wall time from starting QEMU to the `carta> ` prompt on serial,
and (b) the kernel's own figure, "boot finished in N us" (TSC time from
start_kernel, which includes the ~30 ms TSC calibration). First, the
kernel's `bench vmalloc` table: cycles per vmalloc+vfree with 10, 1,000
and 10,000 live areas; then the shell's latency with 0, 50 and 200
CPU-bound programs running. BENCH_ONLY=shell runs only the latter."""
import os
import re
import statistics
import sys
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


def main():
    if os.environ.get("BENCH_ONLY") == "shell":
        bench_shell()
        return
    bench_vmalloc()
    bench_shell()
    print(f"boot to prompt under TCG, {RUNS} runs each (median [min-max])")
    for cfg in CONFIGS:
        walls, kern = zip(*(one(cfg) for _ in range(RUNS)))
        name = " ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"  {name:32s} wall {statistics.median(walls):.3f} s "
              f"[{min(walls):.3f}-{max(walls):.3f}]   kernel {statistics.median(kern) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
