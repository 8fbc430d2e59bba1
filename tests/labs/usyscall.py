"""Grader of the usyscall lab (docs/labs/usyscall.md): the [vvar] pages.

Witnesses: the program's own comparison with getpid() and with time
passing; QEMU's `info tlb` (the CPU's translation under the CR3 of the
process that ran last: the one holding) for the PTE bits and frames; `xp`
(physical memory as QEMU reads it) for what the pages hold; the CPU's
fault on a write."""
import re
import time

LAB = "usyscall"
TITLE = "a read-only page in every process with its pid and the tick count"

USYSCALL, USYSCALL_VVAR = 0x3fe000, 0x3ff000


def hold(ctx, during=None):
    """Runs `ugetpid hold` in the background, reads `info tlb` while it
    holds (the only process that wakes: its PGD is in CR3, the shell being
    a kernel thread), releases it; (pid, the info tlb entries, or what during(pid) returned)."""
    start = len(ctx.vm.out)
    out = ctx.shell("run ugetpid hold &")
    m = re.search(r"\[(\d+)\]", out)
    assert m, f"`run ugetpid hold &` started nothing: {out.strip()!r}"
    pid = int(m.group(1))
    ctx.vm.wait_for(rf"ugetpid: pid {pid} holding|ugetpid\[{pid}\]: segfault.*\n", 10, start)
    died = re.findall(rf"ugetpid\[{pid}\]: segfault.*", ctx.vm.out[start:])
    assert not died, "ugetpid died reading the page: " + died[-1]
    time.sleep(0.1)
    tlb = ctx.vm.info_tlb() if during is None else during(pid)
    ctx.shell(f"kbuf write release {pid}")
    ctx.vm.wait_for(rf"ugetpid: pid {pid} released", 10)
    return pid, tlb


def pages(tlb, pid):
    missing = [hex(a) for a in (USYSCALL, USYSCALL_VVAR) if a not in tlb]
    assert not missing, (f"no translation for {', '.join(missing)} under the CR3 of pid {pid} "
                         "(info tlb): the pages are not mapped")
    return tlb[USYSCALL], tlb[USYSCALL_VVAR]


def check_program(ctx):
    out = ctx.shell("run ugetpid", timeout=20)
    assert "ugetpid: OK" in out, " / ".join(out.strip().splitlines()[-2:] or ["ugetpid: no output"])


def check_pte_bits(ctx):
    pid, tlb = hold(ctx)
    for addr, (phys, flags) in zip((USYSCALL, USYSCALL_VVAR), pages(tlb, pid)):
        assert "U" in flags, f"0x{addr:x}: the PTE is not user-accessible ({flags})"
        assert "W" not in flags, f"0x{addr:x}: the PTE is writable ({flags}): must be read-only"
        assert "X" in flags, f"0x{addr:x}: the PTE is executable ({flags}): must be NX"


def check_contents(ctx):
    pid, tlb = hold(ctx)
    (p_phys, _), (v_phys, _) = pages(tlb, pid)      # the frames stay: a shell is running
    word = ctx.vm.hmp(f"xp /1wd 0x{p_phys:x}")
    got = int(word.split(":")[1].split()[0])
    assert got == pid, f"the per-process page (phys 0x{p_phys:x}) holds {got}, not pid {pid}"
    j = []
    for _ in range(2):
        j.append(int(ctx.vm.hmp(f"xp /1gd 0x{v_phys:x}").split(":")[1].split()[0]))
        time.sleep(0.3)
    assert j[1] > j[0] > 0, (f"the shared page (phys 0x{v_phys:x}) holds jiffies {j[0]} then "
                             f"{j[1]} 0.3 s later: the timer does not update it")


def check_per_process(ctx):
    a, tlb_a = hold(ctx)
    b, tlb_b = hold(ctx)
    (pa, _), (va, _) = pages(tlb_a, a)
    (pb, _), (vb, _) = pages(tlb_b, b)
    assert pa != pb, f"pids {a} and {b} map the same frame 0x{pa:x} at 0x{USYSCALL:x}"
    assert va == vb, (f"pids {a} and {b} map different frames (0x{va:x}, 0x{vb:x}) at "
                      f"0x{USYSCALL_VVAR:x}: the tick page is one shared page")


def check_write_faults(ctx):
    out = ctx.shell("run ugetpid write", timeout=20)
    m = re.search(r"segfault at 3fe000 .* error ([0-9a-f]+)", out)
    assert m, "a write to the page did not fault: " + out.strip().replace("\n", " / ")
    assert int(m.group(1), 16) & 1, (f"the write faulted with error {m.group(1)} (page not "
                                     "present): the page must be mapped, read-only")
    assert "SIGSEGV" in out, "the writer was not killed by SIGSEGV"


def check_vmas(ctx):
    pid, out = hold(ctx, lambda pid: ctx.shell(f"vmas {pid}"))
    assert re.search(r"^003fe000-00400000 r--p .*\[vvar\]$", out, re.M), \
        "vmas shows no `003fe000-00400000 r--p ... [vvar]` line: " + out.strip().replace("\n", " / ")


CHECKS = [
    (10, "ugetpid reads its pid and advancing ticks without a system call", check_program),
    (10, "the pages are user, read-only and NX (info tlb)", check_pte_bits),
    (10, "the pages hold the pid and the current jiffies (xp)", check_contents),
    (5, "each process its own pid page, one shared tick page", check_per_process),
    (5, "a write to the page is a protection fault: SIGSEGV", check_write_faults),
    (5, "vmas shows the [vvar] VMA", check_vmas),
]

CUT_CHECKS = [
    "ugetpid reads its pid and advancing ticks without a system call",
    "the pages are user, read-only and NX (info tlb)",
    "the pages hold the pid and the current jiffies (xp)",
]
