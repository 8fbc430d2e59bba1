"""Grader of the pgaccess lab (docs/labs/pgaccess.md): the Accessed bits.

Witnesses: pgaccess_test's own comparison of the bitmap with the pages it
touched (twice: the second round only works if the first call cleared the
bits and flushed the TLB), and QEMU's `info tlb`, which shows the A bit
of each PTE as it is in memory (the monitor reads the tables physically
and sets no bit itself)."""
import re
import time

LAB = "pgaccess"
TITLE = "pgaccess(start, npages, bitmap): which pages were accessed, from the A bits"


def check_rounds(ctx):
    out = ctx.shell("run pgaccess_test", timeout=20)
    assert "pgaccess_test: OK" in out, \
        "pgaccess_test: " + " / ".join(out.strip().splitlines()[-2:] or ["no output"])


def check_a_bits(ctx):
    start = len(ctx.vm.out)         # look only at what this run prints
    out = ctx.shell("run pgaccess_test hold &")
    m = re.search(r"\[(\d+)\]", out)
    assert m, f"`run pgaccess_test hold &` started nothing: {out.strip()!r}"
    pid = m.group(1)
    pat = r"pgaccess_test: (buffer at 0x[0-9a-f]+|FAIL.*)[,\r\n]"     # whole, not half arrived
    ctx.vm.wait_for(pat, 10, start)
    line = re.findall(pat, ctx.vm.out[start:])[-1]
    assert line.startswith("buffer"), f"pgaccess_test (pid {pid}): {line}"
    base = int(line.split()[-1], 16)
    time.sleep(0.1)     # holding (user/lib/hold.h), the only process: its PGD is in CR3
    tlb = ctx.vm.info_tlb()
    ctx.shell(f"kbuf write release {pid}")
    pages = [base + i * 4096 for i in range(32)]
    missing = [hex(p) for p in pages if p not in tlb]
    assert not missing, f"pages of the buffer not mapped under pid {pid}'s CR3: {missing[:4]}"
    accessed = [i for i, p in enumerate(pages) if "A" in tlb[p][1]]
    assert accessed == [2, 5], (f"after pgaccess cleared the buffer's A bits and pages 2 and 5 "
                                f"were touched, info tlb shows A on pages {accessed}")


def check_args(ctx):
    out = ctx.shell("run pgaccess_test args", timeout=20)
    assert "bad arguments OK" in out, \
        "pgaccess_test args: " + " / ".join(out.strip().splitlines()[-2:] or ["no output"])


CHECKS = [
    (15, "pgaccess_test: two rounds report exactly the touched pages", check_rounds),
    (15, "the PTEs' A bits (info tlb) are clear but for the pages touched since", check_a_bits),
    (5, "bad ranges give -EINVAL, a bad bitmap -EFAULT", check_args),
]

CUT_CHECKS = [
    "pgaccess_test: two rounds report exactly the touched pages",
    "the PTEs' A bits (info tlb) are clear but for the pages touched since",
]
