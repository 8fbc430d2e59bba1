"""Grader of lab vmalloc (docs/labs/vmalloc.md): the lowest-fit search of
the free-area tree (mm/vmap_area.c find_lowest_fit), the guard page and
the unmap-and-flush on free (mm/vmalloc.c).

Oracles: QEMU's `info tlb` (what the CPU would translate), `tlbstat`'s
flush counters, and a model of the vmalloc range computed here from
`vmallocinfo`'s busy areas: the lowest gap that holds size plus a guard
page is where first fit must put the next area."""
import re

LAB = "vmalloc"
TITLE = "vmalloc: the lowest free range that fits, guard pages, unmap and flush on free"
BOOT = dict(mem="256M")

VMALLOC_START = 0xffffc90000000000      # mm/memlayout.h, docs/design.md 2
VMALLOC_END = 0xffffe90000000000        # exclusive
PAGE = 4096


def vmalloc(ctx, size):
    out = ctx.shell(f"vmalloc {size}")
    m = re.search(r"^0x([0-9a-f]{16})$", out, re.M)
    assert m, f"`vmalloc {size}` returned no address: {out.strip()[-400:]}"
    addr = int(m.group(1), 16)
    assert VMALLOC_START <= addr < VMALLOC_END, \
        f"`vmalloc {size}` returned {addr:#x}, outside the vmalloc range"
    return addr


def vfree(ctx, addr):
    out = ctx.shell(f"vfree {addr:#x}")
    assert "nonexistent" not in out, f"`vfree {addr:#x}`: {out.strip()}"


def vmallocinfo(ctx):
    """{start: (end, size, the rest of the line)} of every live area."""
    out = ctx.shell("vmallocinfo")
    areas = {}
    for a, b, size, rest in re.findall(r"^0x([0-9a-f]{16})-0x([0-9a-f]{16})\s+(\d+) (.*)$", out, re.M):
        areas[int(a, 16)] = (int(b, 16), int(size), rest)
    return areas


def tlbstat(ctx):
    out = ctx.shell("tlbstat")
    m = re.search(r"invlpg (\d+)\s+range flushes (\d+)\s+full flushes (\d+)", out)
    assert m, f"no counters in `tlbstat`: {out.strip()!r}"
    return tuple(int(x) for x in m.groups())


def mapped(ctx, start, npages):
    tlb = ctx.vm.info_tlb()
    return [start + i * PAGE in tlb for i in range(npages)], tlb


def check_area_and_guard(ctx):
    addr = vmalloc(ctx, "16K")
    try:
        areas = vmallocinfo(ctx)
        assert addr in areas, f"{addr:#x} is not in `vmallocinfo`"
        end, size, rest = areas[addr]
        assert "pages=4 vmalloc" in rest, f"vmallocinfo line of {addr:#x}: {rest!r}"
        assert size == 16384 + PAGE and end == addr + size, \
            (f"vmallocinfo gives {addr:#x}-{end:#x}, {size} bytes for 16 KiB: "
             f"expected 16384 + a 4096-byte guard page")
    finally:
        vfree(ctx, addr)


def check_tlb_pages_and_guard(ctx):
    a = vmalloc(ctx, "16K")
    b = vmalloc(ctx, "8K")
    try:
        present, tlb = mapped(ctx, a, 4)
        assert all(present), f"info tlb: pages of {a:#x} mapped: {present}, expected all 4"
        frames = {tlb[a + i * PAGE][0] for i in range(4)}
        assert len(frames) == 4, f"the 4 pages of {a:#x} share frames: {sorted(map(hex, frames))}"
        for i in range(4):
            flags = tlb[a + i * PAGE][1]
            assert "W" in flags and "X" in flags and "U" not in flags, \
                f"{a + i * PAGE:#x} is mapped {flags}: expected writable, NX, kernel-only"
        guard = a + 4 * PAGE
        assert guard not in tlb, \
            (f"the page after the 16 KiB at {a:#x} ({guard:#x}) is mapped "
             f"({tlb[guard][1]}): no guard page (the next area is at {b:#x})")
        assert b != guard, f"the next area starts at {guard:#x}, right on the guard page"
    finally:
        vfree(ctx, b)
        vfree(ctx, a)


def check_vfree_unmaps_and_flushes(ctx):
    addr = vmalloc(ctx, "16K")
    before = tlbstat(ctx)
    vfree(ctx, addr)
    after = tlbstat(ctx)
    present, _ = mapped(ctx, addr, 4)
    assert not any(present), f"after vfree, info tlb still maps pages of {addr:#x}: {present}"
    assert addr not in vmallocinfo(ctx), f"{addr:#x} still in vmallocinfo after vfree"
    assert after[0] - before[0] >= 4 or after[2] > before[2], \
        (f"tlbstat before vfree {before}, after {after} (invlpg, ranges, full): "
         f"the 4 unmapped pages were not flushed from the TLB")


def gaps(areas):
    """The free ranges between live areas, lowest first."""
    out, cur = [], VMALLOC_START
    for start in sorted(areas):
        if start > cur:
            out.append((cur, start))
        cur = max(cur, areas[start][0])
    if cur < VMALLOC_END:
        out.append((cur, VMALLOC_END))
    return out


def lowest_fit(areas, size):
    need = size + PAGE          # and its guard page
    for s, e in gaps(areas):
        if e - s >= need:
            return s
    return None


def check_first_fit(ctx):
    # Holes of 36 KiB and 20 KiB among live areas; then requests that fit
    # one hole but not the other, and one that fits none of the small ones.
    live = [vmalloc(ctx, size) for size in ("32K", "8K", "16K", "8K", "64K", "8K")]
    try:
        for addr in (live[0], live[2], live[4]):
            vfree(ctx, addr)
        live = [live[1], live[3], live[5]]
        for size in (16 << 10, 28 << 10, 4 << 10, 60 << 10, 4 << 10):
            want = lowest_fit(vmallocinfo(ctx), size)
            got = vmalloc(ctx, f"{size >> 10}K")
            live.append(got)
            assert got == want, \
                (f"`vmalloc {size >> 10}K` returned {got:#x}; the lowest free range of "
                 f"{(size >> 10) + 4} KiB (with its guard) per vmallocinfo starts at "
                 f"{want:#x}")
    finally:
        for addr in live:
            vfree(ctx, addr)


CHECKS = [
    (10, "vmalloc 16K: an address in the range, in vmallocinfo with its guard page",
     check_area_and_guard),
    (10, "info tlb maps its 4 pages (RW, NX, kernel) and not the guard page after them",
     check_tlb_pages_and_guard),
    (10, "vfree: info tlb no longer maps it and tlbstat counted the flush",
     check_vfree_unmaps_and_flushes),
    (10, "first fit: each vmalloc takes the lowest free range that holds it and its guard",
     check_first_fit),
]

CUT_CHECKS = [
    "vmalloc 16K: an address in the range, in vmallocinfo with its guard page",
    "info tlb maps its 4 pages (RW, NX, kernel) and not the guard page after them",
    "vfree: info tlb no longer maps it and tlbstat counted the flush",
    "first fit: each vmalloc takes the lowest free range that holds it and its guard",
]
