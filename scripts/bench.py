#!/usr/bin/env python3
"""make bench: boot-time figures under TCG, reported, never pass/fail.

For each configuration, boots the ISO N times and reports the median and
range of (a) wall time from starting QEMU to the `carta> ` prompt on serial,
and (b) the kernel's own figure, "boot finished in N us" (TSC time from
start_kernel, which includes the ~30 ms TSC calibration). First, the
kernel's `bench vmalloc` table: cycles per vmalloc+vfree with 10, 1,000
and 10,000 live areas."""
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


def main():
    bench_vmalloc()
    print(f"boot to prompt under TCG, {RUNS} runs each (median [min-max])")
    for cfg in CONFIGS:
        walls, kern = zip(*(one(cfg) for _ in range(RUNS)))
        name = " ".join(f"{k}={v}" for k, v in cfg.items())
        print(f"  {name:32s} wall {statistics.median(walls):.3f} s "
              f"[{min(walls):.3f}-{max(walls):.3f}]   kernel {statistics.median(kern) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
