"""Grader of lab usersplit (docs/labs/usersplit.md): pgd_alloc cloning the
kernel half (mm/pgd.c), the demand-zero fault (mm/memory.c
handle_mm_fault) and remap_pfn_range (mm/memory.c).

Oracles: QEMU's `info tlb` while a process's PGD is in CR3 (the CPU's
own translation of its user half and of the shared kernel half), QEMU's
`pmemsave` of a user frame (physical memory as the device sees it), the
user programs' own read-back, and the CPU's faults on kernel addresses."""
import os
import re
import tempfile
import time

LAB = "usersplit"
TITLE = "user space: pgd_alloc's kernel half, demand-zero faults, remap_pfn_range"
BOOT = dict(mem="256M")

USER_TOP = 0x0000800000000000
PAGE = 4096
SAMEADDR = 0x600000000          # user/sameaddr.c ADDR


def start(ctx, line):
    """Starts `line &` in the background; its pid."""
    out = ctx.shell(line + " &")
    m = re.search(r"^\[(\d+)\]", out, re.M)
    assert m, f"`{line} &` started no process: {out.strip()[-400:]}"
    return m.group(1)


def wait_written(ctx, pid, what, timeout=20):
    """Waits for sameaddr's "pid N wrote" line, or for the line saying it
    died, whichever comes first."""
    pattern = r"pid %s wrote|\w+\[%s\]: (segfault|general protection)|job\[%s\]: killed" % (pid, pid, pid)
    try:
        m = ctx.vm.wait_for(pattern, timeout)
    except TimeoutError:
        tail = ctx.vm.out[-600:].strip()
        raise AssertionError(f"{what}: nothing within {timeout} s; the console ends: {tail}")
    line = ctx.vm.out[m.start():ctx.vm.out.find("\n", m.start())]
    assert m.group(0).startswith("pid"), f"{what} died before writing its page: {line}"


def stop(ctx, pid):
    ctx.shell(f"kill {pid}")


def tlb_of(ctx, va, tries=30):
    """`info tlb` at a moment CR3 holds the PGD that maps va (a background
    process runs now and then; the shell keeps the last one's PGD)."""
    for _ in range(tries):
        tlb = ctx.vm.info_tlb()
        if va in tlb:
            return tlb
        time.sleep(0.1)
    return tlb


def pmem(ctx, phys, size):
    fd, path = tempfile.mkstemp(prefix="carta-grade-")
    os.close(fd)
    try:
        ctx.vm.qmp_cmd("pmemsave", {"val": phys, "size": size, "filename": path})
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def check_hello(ctx):
    out = ctx.shell("run hello")
    assert re.search(r"hello from pid \d+", out), f"`run hello` printed: {out.strip()[-400:]}"


def check_kernel_half(ctx):
    a = start(ctx, "run sameaddr AAA 30")
    b = start(ctx, "run sameaddr BBB 30")
    try:
        wait_written(ctx, a, "sameaddr AAA")
        wait_written(ctx, b, "sameaddr BBB")
        # a kernel mapping made after both PGDs exist: below the top level,
        # so both see it at once
        out = ctx.shell("vmalloc 8K")
        m = re.search(r"^0x([0-9a-f]{16})$", out, re.M)
        assert m, f"`vmalloc 8K` failed: {out.strip()[-300:]}"
        new = int(m.group(1), 16)
        check = ctx.shell("checkpgd")
        assert re.search(r"checkpgd: 2 PGDs besides the kernel's, 0 with a kernel half that differs",
                         check), f"with two processes alive, `checkpgd` says: {check.strip()}"
        tlb = tlb_of(ctx, SAMEADDR)
        assert SAMEADDR in tlb, "info tlb never showed a process's user half (is CR3 a process's?)"
        assert new in tlb and "U" not in tlb[new][1], \
            (f"under a process's CR3 the vmalloc area made after it started ({new:#x}) is "
             f"{'mapped ' + tlb[new][1] if new in tlb else 'not mapped'}: the kernel half is "
             f"not the kernel's")
        user = [va for va, (_, fl) in tlb.items() if "U" in fl]
        assert all(va < USER_TOP for va in user), \
            f"user-accessible kernel pages: {[hex(v) for v in user if v >= USER_TOP][:5]}"
        ctx.shell(f"vfree {new:#x}")
    finally:
        stop(ctx, a)
        stop(ctx, b)


def check_demand_zero(ctx):
    pid = start(ctx, "run sameaddr ZZZ 30")
    try:
        wait_written(ctx, pid, "sameaddr ZZZ (it writes its mmap'd page)")
        maps = ctx.shell(f"vmas {pid}")
        m = re.search(r"^([0-9a-f]+)-([0-9a-f]+) rw-p .*\[stack\]", maps, re.M)
        assert m, f"no [stack] VMA in `vmas {pid}`: {maps.strip()}"
        lo, hi = int(m.group(1), 16), int(m.group(2), 16)
        tlb = tlb_of(ctx, SAMEADDR)
        assert SAMEADDR in tlb, \
            f"info tlb does not map {SAMEADDR:#x}, the page sameaddr mmap'd and wrote"
        phys, flags = tlb[SAMEADDR]
        assert "U" in flags and "W" in flags, f"{SAMEADDR:#x} mapped {flags}: expected user, writable"
        raw = pmem(ctx, phys, PAGE)
        tag = f"ZZZ from pid {pid}".encode()
        assert raw.startswith(tag + b"\0"), f"frame {phys:#x} starts {raw[:32]!r}, not {tag!r}"
        assert raw[len(tag):] == bytes(PAGE - len(tag)), \
            f"frame {phys:#x} is not zero past the tag: the page was not zeroed"
        stack = [va for va in tlb if lo <= va < hi]
        assert 1 <= len(stack) <= 4, \
            (f"{len(stack)} of the stack VMA's {(hi - lo) // PAGE} pages are mapped: "
             f"only the touched ones should be")
    finally:
        stop(ctx, pid)


def check_kbuf(ctx):
    ctx.shell("kbuf write grader-says-KQX")
    out = ctx.shell("run kbufdemo user-says-QZR")
    assert 'kbufdemo: kernel wrote: "grader-says-KQX"' in out, \
        f"kbufdemo did not read the kernel's string through its mapping: {out.strip()[-400:]}"
    shown = ctx.shell("kbuf")
    assert 'kbuf[2048]: "user-says-QZR"' in shown, f"the kernel did not see kbufdemo's reply: {shown}"
    phys = int(re.search(r"at phys 0x([0-9a-f]+)", shown).group(1), 16)
    pid = start(ctx, "run kbufdemo held 40")
    try:
        for _ in range(50):
            shown = ctx.shell("kbuf")
            m = re.search(r"mapped by kbufdemo\[%s\] at 0x([0-9a-f]+)-" % pid, shown)
            if m:
                break
            time.sleep(0.1)
        assert m, f"`kbuf` never showed kbufdemo[{pid}] mapping the buffer: {shown.strip()}"
        va = int(m.group(1), 16)
        tlb = tlb_of(ctx, va)
        assert va in tlb, f"under kbufdemo's CR3 info tlb does not map {va:#x}"
        assert tlb[va][0] == phys, \
            f"info tlb maps {va:#x} to {tlb[va][0]:#x}, the kbuf frame is {phys:#x}"
        assert "U" in tlb[va][1], f"{va:#x} mapped {tlb[va][1]}: not user-accessible"
    finally:
        stop(ctx, pid)


def check_probe(ctx):
    out = ctx.shell("run probe", timeout=60)
    m = re.search(r"probe: (\d+) of (\d+) children killed by a fault", out)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) >= 24, \
        f"`run probe`: {out.strip()[-400:]}"
    after = ctx.shell("run hello")
    assert "hello from pid" in after, f"after probe, `run hello` printed: {after.strip()[-300:]}"


CHECKS = [
    (5, "run hello", check_hello),
    (10, "two processes alive: checkpgd passes and info tlb under one's CR3 has a new vmalloc area",
     check_kernel_half),
    (10, "demand zero: the written mmap page is mapped and zero past the tag; the stack only "
     "where touched", check_demand_zero),
    (10, "kbufdemo and the kernel share /dev/kbuf; info tlb maps the kbuf frame at its address",
     check_kbuf),
    (5, "probe: user accesses to kernel addresses fault, the kernel lives on", check_probe),
]

CUT_CHECKS = [
    "run hello",
    "two processes alive: checkpgd passes and info tlb under one's CR3 has a new vmalloc area",
    "demand zero: the written mmap page is mapped and zero past the tag; the stack only "
    "where touched",
    "kbufdemo and the kernel share /dev/kbuf; info tlb maps the kbuf frame at its address",
]
