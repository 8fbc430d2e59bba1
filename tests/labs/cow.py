"""Grader of the cow lab (docs/labs/cow.md): fork with copy-on-write.

Witnesses: forktest's own read-back (each side sees its own writes, the
child's through its exit status); meminfo's free and page-table pages,
which must come back to their baseline after 1,000 fork/exit cycles; and
QEMU's `info tlb` under the parent's and then the child's CR3: a page
written by neither since the fork is the same frame, read-only in both;
a page the parent wrote is a different frame."""
import re
import time

LAB = "cow"
TITLE = "fork with copy-on-write: shared read-only pages, copies on write, no leaks"


def meminfo(ctx):
    out = ctx.shell("meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", out, re.M)}


def check_forktest(ctx):
    out = ctx.shell("run forktest", timeout=20)
    assert "forktest: OK" in out, "forktest: " + " / ".join(out.strip().splitlines()[-2:] or
                                                            ["no output"])


def check_baseline(ctx):
    ctx.shell("run forkstress 1", timeout=20)   # the caches exist from here
    before = meminfo(ctx)
    out = ctx.shell("run forkstress 1000", timeout=50)
    assert "forkstress: 1000 cycles OK" in out, \
        "forkstress 1000: " + " / ".join(out.strip().splitlines()[-2:] or ["no output"])
    after = meminfo(ctx)
    for k in ("MemFree", "PageTables"):
        assert after[k] == before[k], (f"meminfo {k} {before[k]} kB before 1,000 fork/exit "
                                       f"cycles, {after[k]} kB after: a leak")


def check_shared_frames(ctx):
    ctx.shell("kbuf write wait")
    start = len(ctx.vm.out)         # look only at what this run prints
    out = ctx.shell("run forktest hold &")
    assert re.search(r"\[(\d+)\]", out), f"`run forktest hold &` started nothing: {out.strip()!r}"
    # whole lines only (\n): the address may still be arriving
    pat = r"forktest: (parent \d+ child \d+, A.*|FAIL.*)\r?\n|(fork failed.*)\r?\n"
    ctx.vm.wait_for(pat, 10, start)
    line = re.findall(pat, ctx.vm.out[start:])[-1]
    assert line[0].startswith("parent"), "forktest hold: " + "".join(line)
    m = re.search(r"parent (\d+) child (\d+), A 0x([0-9a-f]+) B 0x([0-9a-f]+)", line[0])
    child, a, b = m.group(2), int(m.group(3), 16), int(m.group(4), 16)
    time.sleep(0.1)
    ct = ctx.vm.info_tlb()          # the parent waits for the child, which holds: its CR3
    ctx.shell("kbuf write child")
    ctx.vm.wait_for(r"forktest: (parent holding|FAIL.*)\r?\n", 10, start)
    assert "FAIL" not in ctx.vm.out[start:], \
        "forktest hold: " + re.findall(r"forktest: FAIL.*", ctx.vm.out[start:])[-1]
    time.sleep(0.1)
    pt = ctx.vm.info_tlb()          # the child is gone, the parent holds: its CR3
    ctx.shell("kbuf write parent")
    for who, t in (("parent", pt), ("child", ct)):
        assert a in t and b in t, f"pages A and B are not both mapped under the {who}'s CR3"
    assert "W" in pt[a][1], "page A, written by the parent after the fork, is not writable"
    assert "W" not in pt[b][1], ("page B, written by nobody since the fork, is writable in the "
                                 "parent: fork must write-protect it")
    assert "W" not in ct[b][1] and "W" not in ct[a][1], \
        "pages A and B are writable in the child, which wrote neither: fork must write-protect them"
    assert ct[b][0] == pt[b][0], (f"page B is frame 0x{pt[b][0]:x} in the parent, 0x{ct[b][0]:x} "
                                  "in the child: fork must share it, not copy it")
    assert ct[a][0] != pt[a][0], (f"page A is frame 0x{pt[a][0]:x} in both after the parent "
                                  "wrote it: the write fault must copy it")


def check_kbuf_shared(ctx):
    out = ctx.shell("run forktest kbuf", timeout=20)
    assert "forktest: OK" in out, "forktest kbuf: " + " / ".join(out.strip().splitlines()[-2:] or
                                                                 ["no output"])


CHECKS = [
    (10, "forktest: parent and child each see their own data", check_forktest),
    (10, "meminfo back to its baseline after 1,000 fork/exit cycles", check_baseline),
    (10, "after fork an unwritten page is one frame, read-only in both (info tlb); a written one is copied",
     check_shared_frames),
    (5, "a remap_pfn_range mapping (/dev/kbuf) stays shared across fork", check_kbuf_shared),
]

CUT_CHECKS = [
    "forktest: parent and child each see their own data",
    "meminfo back to its baseline after 1,000 fork/exit cycles",
]
