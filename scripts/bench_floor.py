"""make bench, wall-clock boot against a floor: QEMU start to the `carta> `
prompt for Carta, and QEMU start to exit for a floor kernel that leaves
QEMU at its first instruction (scripts/bench/floor.asm), by GRUB (both on
an ISO scripts/mkiso.sh made, with the same initramfs and grub.cfg) and by
PVH (QEMU -kernel, the same -initrd). The floor is what the boot path
costs with no kernel at all, so carta/floor is what Carta adds. Without
-icount: these are host times, so the two kernels are booted alternately
and a busy host slows both alike.

scripts/bench.py runs bench_floor(); nothing here is pass/fail."""
import os
import re
import statistics
import subprocess
import time

import qemu
from bench_ticks import met

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(qemu.BUILD, "bench")
FLOOR_ELF = os.path.join(OUT, "floor.elf")
FLOOR_ISO = os.path.join(OUT, "floor.iso")
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
MEMS = ("256M", "4G", "8G")
# targets (docs/performance.md): carta/floor per boot path and memory size
RATIO_TARGET = {("grub", "256M"): 1.2, ("grub", "4G"): 1.3,
                ("pvh", "256M"): 1.5, ("pvh", "4G"): 1.5, ("pvh", "8G"): 1.5}
FINISHED = re.compile(r"boot finished in (\d+) us")


def build_floor():
    """build/bench/floor.elf and floor.iso, made afresh on every run (a
    second or so): they must carry the initramfs Carta boots with now."""
    os.makedirs(OUT, exist_ok=True)
    obj = os.path.join(OUT, "floor.o")
    subprocess.run(["nasm", "-f", "elf32", os.path.join(HERE, "bench", "floor.asm"), "-o", obj],
                   check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-T", os.path.join(HERE, "bench", "floor.ld"),
                    "-o", FLOOR_ELF, obj], check=True)
    subprocess.run([os.path.join(HERE, "mkiso.sh"), FLOOR_ELF, FLOOR_ISO], check=True,
                   env=dict(os.environ, CARTA_INITRAMFS=qemu.INITRAMFS))


def boot_floor(boot, mem):
    """Wall seconds from starting QEMU to its exit."""
    t0 = time.time()
    iso = FLOOR_ISO if boot == "grub" else None     # PVH takes the ELF itself
    with qemu.Qemu(cmdline="", boot=boot, mem=mem, iso=iso, kernel=FLOOR_ELF) as vm:
        if vm.wait_exit(120) is None:
            raise RuntimeError(f"floor kernel ({boot}, {mem}) did not exit")
        return time.time() - t0, None


def boot_carta(boot, mem):
    """Wall seconds from starting QEMU to the prompt, and the kernel's own
    figure (start_kernel to prompt, ms of TSC time: host time under TCG)."""
    t0 = time.time()
    iso = qemu.iso_for("") if boot == "grub" else None
    with qemu.Qemu(cmdline="", boot=boot, mem=mem, iso=iso) as vm:
        vm.wait_prompt(120)
        wall = time.time() - t0
        return wall, int(FINISHED.search(vm.out).group(1)) / 1000


def compare(boot, mem):
    """RUNS boots of each, alternating which goes first: medians and the
    kernel's own median figure."""
    res = {"floor": [], "carta": []}
    runner = {"floor": boot_floor, "carta": boot_carta}
    for i in range(RUNS):
        for which in (("floor", "carta") if i % 2 == 0 else ("carta", "floor")):
            res[which].append(runner[which](boot, mem))
    floor = [w for w, _ in res["floor"]]
    carta = [w for w, _ in res["carta"]]
    kernel = statistics.median(k for _, k in res["carta"])
    return floor, carta, kernel


def bench_floor():
    build_floor()
    print(f"wall-clock boot (no -icount), {RUNS} interleaved runs each, median [min-max] s: "
          "QEMU start to prompt (Carta) or exit (floor)")
    print("  ratio: of the medians; in brackets, of the minima (the least disturbed runs)")
    print(f"  {'path':5s}{'mem':6s}{'floor':>22s}{'carta':>22s}{'ratio':>14s}   target"
          f"{'kernel entry to prompt':>32s}")
    for boot in ("grub", "pvh"):
        for mem in MEMS:
            floor, carta, kernel = compare(boot, mem)
            f, c = statistics.median(floor), statistics.median(carta)
            target = RATIO_TARGET.get((boot, mem))
            verdict = f"<= {target}x: {met(c / f <= target)}" if target else "(none)"
            print(f"  {boot:5s}{mem:6s}{f:7.3f} [{min(floor):.3f}-{max(floor):.3f}]"
                  f"{c:7.3f} [{min(carta):.3f}-{max(carta):.3f}]{c / f:7.2f} [{min(carta) / min(floor):.2f}]   {verdict:17s}"
                  f"{kernel:9.1f} ms", flush=True)
    print()
