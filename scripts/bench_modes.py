"""make bench, the address-space modes (docs/address-spaces.md section 4):
getpid and a two-process ping-pong (user/ubench pingpong: each side
sched_yields to the other; ticks per round trip, two process switches) in
the deterministic ticks of bench_ticks (-icount shift=0,sleep=off), for
pti off/on x pcid off/on on `-cpu max`, with `tlbstat`'s count of process
switches that flushed and that did not over the ping-pong.

A mode the kernel or the CPU cannot give is a row "n/a (why)", decided from
the boot log: PCID needs the CPU's CPUID.1:ECX[17] (QEMU 7.2's TCG offers
none, not even on -cpu max), PTI needs a kernel that knows `pti=`. So the
same four modes run a second time in Bochs (scripts/bochs.py) on a
Haswell model, which has PCID and INVPCID; Bochs's clock runs on
instructions too (clock: sync=none), so its ticks are counts as well, of
another emulator's making: compare rows within one table. Each mode is
booted twice and the figures compared: they must repeat exactly. Nothing
here is pass/fail."""
import re

import bochs
import qemu
from bench_ticks import ICOUNT, ubench

MODES = [("off", "off"), ("off", "on"), ("on", "off"), ("on", "on")]   # (pti, pcid)
SWITCHES = re.compile(r"switches: flush (\d+)  no-flush (\d+)")


def unavailable(log, pti, pcid):
    if pti == "on" and ('parameters "pti=on"' in log or "isolation: enabled" not in log):
        return "n/a (pti not available)"
    if pcid == "on" and "x86/tlb: PCID enabled" not in log:
        if "no PCID in CPUID" in log:
            return "n/a (no PCID in CPUID: QEMU 7.2 TCG offers none)"
        return "n/a (PCID not enabled: see the boot log's x86/tlb line)"
    return None


def qemu_boot(cmdline):
    return qemu.Qemu(cmdline=cmdline, boot="pvh", mem="256M", cpu="max", extra=ICOUNT)


def bochs_boot(cmdline):
    return bochs.Bochs(cmdline=cmdline, mem="256M")


def one_mode(boot, pti, pcid):
    cmdline = " ".join(w for w in ("pti=on" if pti == "on" else "",
                                   "nopcid" if pcid == "off" else "") if w)
    with boot(cmdline) as vm:
        vm.wait_prompt(120)
        why = unavailable(vm.out, pti, pcid)
        if why:
            return why
        fig = {"getpid": ubench(vm, "getpid")}
        f0, n0 = map(int, SWITCHES.search(vm.command("tlbstat")).groups())
        fig["pingpong"] = ubench(vm, "pingpong")
        f1, n1 = map(int, SWITCHES.search(vm.command("tlbstat")).groups())
        fig["flush"], fig["no-flush"] = f1 - f0, n1 - n0
    return fig


def table(title, boot):
    print(title)
    print(f"  {'pti':5s}{'pcid':6s}{'getpid':>9s}{'ping-pong':>11s}"
          f"{'switches flushed/not':>23s}")
    for pti, pcid in MODES:
        first, second = one_mode(boot, pti, pcid), one_mode(boot, pti, pcid)
        if isinstance(first, str):
            print(f"  {pti:5s}{pcid:6s}  {first}")
            continue
        print(f"  {pti:5s}{pcid:6s}{first['getpid']:9d}{first['pingpong']:11d}"
              f"{first['flush']:15d} / {first['no-flush']}"
              + ("" if first == second else f"   (second boot DIFFERED: {second})"), flush=True)
    print("  ping-pong: ticks per round trip (two process switches); "
          "switches: over the whole ping-pong run")
    print(flush=True)


def bench_modes():
    table("address-space modes, QEMU -cpu max, PVH, 256M, ticks = guest instructions "
          "(-icount shift=0,sleep=off); user/ubench: median of 11 batches", qemu_boot)
    if bochs.bochs_missing():
        print(f"address-space modes in Bochs: n/a ({bochs.bochs_missing()})\n", flush=True)
        return
    table(f"address-space modes, Bochs {bochs.BOCHS_CPU} (PCID, INVPCID), GRUB, 256M, "
          "ticks = Bochs's instruction clock (clock: sync=none); user/ubench: median of 11 batches",
          bochs_boot)
