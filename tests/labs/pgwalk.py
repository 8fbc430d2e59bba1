"""Lab pgwalk (docs/labs/pgwalk.md): the one page-table walker, and map and
unmap on top of it. Graded against the CPU's own view of the tables: QEMU's
gva2gpa and `info tlb`."""
import os
import re
import subprocess

from qemu import ptdump_ranges, check_ptdump_against_tlb
from _common import boots, gva2gpa

LAB = "pgwalk"
TITLE = "the page-table walker: descend, allocate, map and unmap"

SYMBOLS = ("start_kernel", "walk_page_range", "__set_fixmap", "vmalloc")


def symbol_addresses(ctx):
    out = subprocess.run(["nm", os.path.join(ctx.root, "build", "carta.elf")],
                         capture_output=True, text=True, check=True).stdout
    syms = {n: int(a, 16) for a, t, n in (l.split() for l in out.splitlines()
                                          if len(l.split()) == 3)}
    return {n: syms[n] for n in SYMBOLS if n in syms}


def translated(ctx, arg):
    out = ctx.shell(f"translate {arg}")
    m = re.search(r"=> physical 0x([0-9a-f]+)", out)
    assert m, f"`translate {arg}` gave no '=> physical' line: {out.strip()[-200:]!r}"
    return int(m.group(1), 16)


def check_translate_symbols(ctx):
    for name, va in symbol_addresses(ctx).items():
        want = gva2gpa(ctx.vm, va + 0x10)
        got = translated(ctx, f"{va + 0x10:x}")
        assert want is not None, f"QEMU cannot translate {name} at {va + 0x10:#x}"
        assert got == want, f"translate {name}+0x10: {got:#x}, the CPU (gva2gpa) says {want:#x}"
    out = ctx.shell("translate 0")
    assert "not present" in out, f"translate 0 (nothing maps it): {out.strip()!r}"


def check_vmalloc_roundtrip(ctx):
    out = ctx.shell("vmalloc 20K")          # five pages
    m = re.search(r"^(?:0x)?([0-9a-f]{16})\s*$", out, re.M)
    assert m, f"vmalloc 20K gave no address: {out.strip()[-300:]!r}"
    va = int(m.group(1), 16)
    tlb = ctx.vm.info_tlb()
    for page in range(5):
        a = va + page * 4096
        assert a in tlb, f"vmalloc'd page {a:#x} is not mapped (info tlb)"
        assert "W" in tlb[a][1] and "X" in tlb[a][1], f"{a:#x}: info tlb flags {tlb[a][1]}"
        got = translated(ctx, f"{a + 8:x}")
        assert got == tlb[a][0] + 8, f"translate {a + 8:#x}: {got:#x}, info tlb {tlb[a][0] + 8:#x}"
    assert va + 5 * 4096 not in tlb, f"the guard page {va + 5 * 4096:#x} is mapped"
    out = ctx.shell(f"vfree {va:x}")
    tlb = ctx.vm.info_tlb()
    left = [hex(va + p * 4096) for p in range(5) if va + p * 4096 in tlb]
    assert not left, f"after vfree the CPU still maps {', '.join(left)} ({out.strip()!r})"


def check_ptdump_kernel(ctx):
    out = ctx.shell("ptdump kernel", timeout=60)
    ranges = ptdump_ranges(out)
    assert ranges, f"ptdump kernel printed no range: {out.strip()[-200:]!r}"
    bad = check_ptdump_against_tlb(ranges, ctx.vm.info_tlb())
    assert not bad, "ptdump disagrees with info tlb: " + "; ".join(bad[:3])


def check_user_programs(ctx):
    out = ctx.shell("run hello a b")
    assert re.search(r"hello from pid \d+", out) and "args: a b" in out, \
        f"run hello a b printed {out.strip()[-300:]!r}"
    out = ctx.shell("run probe", timeout=60)
    assert "segfault" in out, f"run probe: no child was killed for touching the kernel: {out.strip()[-300:]!r}"


CHECKS = [
    (10, "boots to the prompt", boots),
    (25, "translate of kernel symbols agrees with gva2gpa", check_translate_symbols),
    (25, "vmalloc, translate, vfree agree with info tlb", check_vmalloc_roundtrip),
    (25, "ptdump kernel agrees with info tlb", check_ptdump_kernel),
    (15, "user programs run", check_user_programs),
]
CUT_CHECKS = ["boots to the prompt", "ptdump kernel agrees with info tlb"]
