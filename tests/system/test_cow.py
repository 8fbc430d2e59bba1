"""fork, copy-on-write and the [vvar] pages beyond what the lab graders
(tests/labs/{usyscall,pgaccess,cow}.py, run by test_labs.py) score: the
shapes fork makes (ps, vmas of parent and child), the child's own [vvar]
pid page (xp under its CR3, against the pid ps lists), and nothing leaked after it all (meminfo). One boot; the helpers are the
graders' (a process holds until /dev/kbuf says so, user/lib/hold.h)."""
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import grade  # noqa: E402

USYSCALL, USYSCALL_VVAR = 0x3fe000, 0x3ff000


def meminfo(ctx):
    out = ctx.shell("meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", out, re.M)}


def check_ps_vmas_and_child_vvar(ctx):
    ctx.shell("kbuf write wait")
    start = len(ctx.vm.out)
    ctx.shell("run forktest hold &")
    m = ctx.vm.wait_for(r"forktest: parent (\d+) child (\d+), A 0x[0-9a-f]+ B 0x[0-9a-f]+\r?\n",
                        10, start)
    parent, child = m.group(1), m.group(2)
    time.sleep(0.1)
    tlb = ctx.vm.info_tlb()             # the child holds, the parent waits: the child's CR3
    ps = ctx.shell("ps")
    vp, vc = ctx.shell(f"vmas {parent}"), ctx.shell(f"vmas {child}")
    ctx.shell("kbuf write child")
    ctx.vm.wait_for(r"forktest: parent holding", 10, start)
    ctx.shell("kbuf write parent")
    ctx.vm.wait_for(r"forktest: parent released", 10, start)
    rows = {r[0]: r for r in re.findall(r"^\s*(\d+)\s+(\d+) (\w) (\S+)", ps, re.M)}
    assert parent in rows and child in rows, f"ps lists neither {parent} nor {child}:\n{ps}"
    assert rows[child][1] == parent and rows[child][3] == "forktest", \
        f"ps: the child {child} should be forktest with PPID {parent}: {rows[child]}"
    # the child's VMAs are the parent's, [vvar] included (its /dev/kbuf
    # mapping is its own: hold_until maps it after the fork)
    strip = lambda v: sorted(line.split()[0] + " " + line.split()[1]
                             for line in v.strip().splitlines() if "/dev/kbuf" not in line)
    assert strip(vp) == strip(vc), f"vmas differ:\nparent:\n{vp}\nchild:\n{vc}"
    assert "[vvar]" in vc, vc
    phys = tlb[USYSCALL][0]
    pid = int(ctx.vm.hmp(f"xp /1wd {phys:#x}").split(":")[1].split()[0])
    assert pid == int(child), f"the child's [vvar] page holds pid {pid}, not {child}"


def check_no_leak(ctx, base):
    ctx.shell("run forktest")
    ctx.shell("run forktest kbuf")
    after = meminfo(ctx)
    for k in ("MemFree", "PageTables", "Slab"):
        assert after[k] == base[k], f"meminfo {k}: {base[k]} kB before, {after[k]} kB after"


def test_fork_shapes():
    ctx = grade.Ctx(ROOT, {})
    try:
        ctx.shell("run forktest")       # warm-up: the caches exist
        ctx.shell("run forktest kbuf")
        base = meminfo(ctx)
        yield check_ps_vmas_and_child_vvar, ctx
        yield check_no_leak, ctx, base
    finally:
        ctx.close()
