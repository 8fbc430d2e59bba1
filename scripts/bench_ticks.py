"""make bench, the deterministic part: figures in TSC ticks under
-icount shift=0,sleep=off, where QEMU's virtual clock advances one
nanosecond per guest instruction and the TSC follows it. shift=0 makes a
tick one instruction; sleep=off makes idle time jump straight to the next
timer instead of following the host's clock, so nothing the host does can
enter a figure. A tick is thus a count of guest instructions (a REP string
instruction counts once per iteration), not a time on any real CPU.

scripts/bench.py runs bench_ticks(); nothing here is pass/fail."""
import re

import qemu

ICOUNT = ["-icount", "shift=0,sleep=off"]

# Linux 6.1 in the same QEMU under -icount shift=0 (the figures).
LINUX = {"fault": 6950, "zeroing": 4100, "fault without zeroing": 6950 - 4100,
         "getpid": 321, "spawn+exit+wait": 355000}
TARGET_RATIO = 0.5      # each at most half of Linux's
VMALLOC_FLAT = 1.25     # largest at most 1.25x the smallest, per size

UBENCH = re.compile(r"^\w+: (\d+) ticks per", re.M)
ZEROED = re.compile(r"(\d+) pages zeroed in (\d+) TSC cycles")
VMALLOC_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)


def met(ok):
    return "met" if ok else "NOT met"


def ubench(vm, what):
    out = vm.command(f"run ubench {what}", timeout=300)
    m = UBENCH.search(out)
    if not m:
        raise RuntimeError(f"ubench {what}: {out!r}")
    return int(m.group(1))


def zeroed(vm):
    """(pages, cycles) the fault path has zeroed since boot (`bench fault`)."""
    m = ZEROED.search(vm.command("bench fault"))
    return int(m.group(1)), int(m.group(2))


def one_boot():
    """One boot (PVH, 256M: the boot path does not enter these figures):
    {figure: ticks} and the `bench vmalloc` rows as tuples of ints. The
    zeroing is the mean over every page zeroed while ubench fault ran
    (its own stack and data pages too: each is the same 4 KiB memset)."""
    with qemu.Qemu(cmdline="", boot="pvh", mem="256M", extra=ICOUNT) as vm:
        vm.wait_prompt(120)
        pages0, cycles0 = zeroed(vm)
        fig = {"fault": ubench(vm, "fault")}
        pages1, cycles1 = zeroed(vm)
        fig["zeroing"] = round((cycles1 - cycles0) / (pages1 - pages0))
        fig["fault without zeroing"] = fig["fault"] - fig["zeroing"]
        fig["getpid"] = ubench(vm, "getpid")
        fig["spawn+exit+wait"] = ubench(vm, "spawn")
        rows = [tuple(map(int, r)) for r in
                VMALLOC_ROW.findall(vm.command("bench vmalloc", timeout=600))]
    return fig, rows


def print_figures(fig):
    print(f"  {'figure':24s}{'ticks':>9s}{'Linux 6.1':>11s}{'ratio':>7s}   target")
    for name, ticks in fig.items():
        linux = LINUX[name]
        if name == "zeroing":   # no target of its own: part of the fault
            print(f"  {name:24s}{ticks:9d}{linux:11d}{ticks / linux:7.2f}")
            continue
        ratio = ticks / linux
        print(f"  {name:24s}{ticks:9d}{linux:11d}{ratio:7.2f}   "
              f"<= {TARGET_RATIO}x: {met(ratio <= TARGET_RATIO)}")


def print_vmalloc(rows):
    print("  vmalloc+vfree, ticks (best of 7 batches of 100, as `bench vmalloc` measures)")
    print(f"  {'live areas':>12s}{'1 page':>10s}{'16 pages':>10s}{'area only':>10s}")
    for row in rows:
        print(f"  {row[0]:12d}" + "".join(f"{v:10d}" for v in row[1:]))
    for col, name in ((1, "1 page"), (2, "16 pages")):
        vals = [row[col] for row in rows]
        spread = max(vals) / min(vals) if vals and min(vals) else float("inf")
        print(f"  {name}: largest/smallest {spread:.2f} "
              f"(target <= {VMALLOC_FLAT}: {met(spread <= VMALLOC_FLAT)})")


def bench_ticks():
    print("deterministic figures: TSC ticks = guest instructions (-icount shift=0,sleep=off), "
          "PVH boot, 256M; user/ubench: median of 11 batches")
    first, second = one_boot(), one_boot()
    print_figures(first[0])
    print_vmalloc(first[1])
    if first == second:
        print("  repeat: a second boot gave identical figures, every one")
    else:
        print(f"  repeat: a second boot DIFFERED: {second[0]} {second[1]}")
    print(flush=True)
