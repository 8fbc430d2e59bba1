"""Grader of lab buddy (docs/labs/buddy.md): the buddy allocator's split
(expand) and merge (free_one_block) in mm/page_alloc.c.

Oracles, none of them the student's code: the free ranges memblock
recorded at boot (the model of what the free lists must hold), meminfo's
MemFree, the `buddyinfo` counts before and after an in-kernel drain that
goes through alloc_pages/free_pages only, and whether a high-order
allocation is still possible afterwards."""
import re

LAB = "buddy"
TITLE = "the buddy allocator: split a block on alloc, merge buddies on free"
BOOT = dict(mem="256M")

MAX_ORDER = 10          # mm/page_alloc.h: orders 0..10, 4 KiB to 4 MiB
PAGE = 4096


def buddyinfo(ctx):
    out = ctx.shell("buddyinfo")
    m = re.search(r"Node 0, zone\s+Normal((?:\s+\d+){%d})" % (MAX_ORDER + 1), out)
    assert m, f"`buddyinfo` printed no line of {MAX_ORDER + 1} counts: {out.strip()!r}"
    return [int(x) for x in m.group(1).split()]


def mem_free_pages(ctx):
    out = ctx.shell("meminfo")
    m = re.search(r"^MemFree:\s+(\d+) kB", out, re.M)
    assert m, f"no MemFree line in `meminfo`: {out.strip()!r}"
    return int(m.group(1)) * 1024 // PAGE


def pages_in(counts):
    return sum(n << o for o, n in enumerate(counts))


def memblock_free_ranges(ctx):
    """[start_pfn, end_pfn) of RAM that memblock did not reserve: what boot
    handed to the buddy allocator (mem_init), page-aligned inwards."""
    out = ctx.shell("memblock")
    ranges = {}
    for kind, a, b in re.findall(r"^ (memory|reserved)\[0x[0-9a-f]+\]\s+\[0x([0-9a-f]+)-0x([0-9a-f]+)\]",
                                 out, re.M):
        ranges.setdefault(kind, []).append((int(a, 16), int(b, 16) + 1))
    assert ranges.get("memory"), f"`memblock` listed no memory regions: {out[:300]!r}"
    free = []
    for start, end in ranges["memory"]:
        pieces = [(start, end)]
        for rs, re_ in ranges.get("reserved", []):
            pieces = [p for s, e in pieces
                      for p in ((s, min(e, rs)), (max(s, re_), e)) if p[0] < p[1]]
        for s, e in pieces:
            s, e = (s + PAGE - 1) // PAGE, e // PAGE
            if s < e:
                free.append((s, e))
    return free


def ideal_counts(free):
    """Each range in the largest naturally aligned blocks that fit: the
    shape of the free lists before anything is allocated."""
    counts = [0] * (MAX_ORDER + 1)
    for pfn, end in free:
        while pfn < end:
            o = MAX_ORDER
            while o and (pfn & ((1 << o) - 1) or end - pfn < (1 << o)):
                o -= 1
            counts[o] += 1
            pfn += 1 << o
    return counts


def check_boot_totals(ctx):
    counts = buddyinfo(ctx)
    free = mem_free_pages(ctx)
    assert pages_in(counts) == free, \
        f"buddyinfo {counts} holds {pages_in(counts)} pages, meminfo's MemFree is {free} pages"


def check_shape(ctx):
    ideal = ideal_counts(memblock_free_ranges(ctx))
    counts = buddyinfo(ctx)
    # Pages allocated since mem_init (page tables, slabs, stacks; a few
    # pages of init memory were given back too): each allocated block can
    # leave at most one free buddy per order on the way down.
    slack = abs(pages_in(ideal) - pages_in(counts)) + 8
    shape_within_model(counts, ideal, slack, "after boot")
    # 256 single pages more, one after the other: each split's lower half
    # is split again, so a whole 1 MiB block goes and leaves at most one
    # free block per order behind
    out = ctx.shell("vmalloc 1M")
    m = re.search(r"^0x([0-9a-f]{16})$", out, re.M)
    assert m, f"`vmalloc 1M` failed: {out.strip()[-400:]}"
    counts = buddyinfo(ctx)
    ctx.shell(f"vfree 0x{m.group(1)}")
    shape_within_model(counts, ideal, slack + 2, "with a 1 MiB vmalloc live")


def shape_within_model(counts, ideal, slack, when):
    for o in range(MAX_ORDER):
        assert counts[o] <= ideal[o] + slack, \
            (f"{when}, order {o} has {counts[o]} free blocks; memblock's free ranges in their "
             f"largest aligned blocks give {ideal[o]} (+{slack} for what was allocated since): "
             f"buddyinfo {counts}, model {ideal}; is each split block's upper half listed at "
             f"its own order?")
    assert counts[MAX_ORDER] >= ideal[MAX_ORDER] - slack, \
        (f"{when}, only {counts[MAX_ORDER]} blocks of order {MAX_ORDER}, the model has "
         f"{ideal[MAX_ORDER]} (buddyinfo {counts}, model {ideal})")


def selftest_restores(ctx, case):
    before, free_before = buddyinfo(ctx), mem_free_pages(ctx)
    out = ctx.shell(f"selftest page_alloc.{case}", timeout=60)
    after, free_after = buddyinfo(ctx), mem_free_pages(ctx)
    assert free_after == free_before, \
        f"MemFree {free_before} pages before `selftest page_alloc.{case}`, {free_after} after"
    assert after == before, \
        (f"buddyinfo {before} before draining and freeing everything ({case}), {after} after: "
         f"not the same shape: freed blocks were not merged with their buddies (or, before, "
         f"split halves were listed at the wrong order)")
    assert re.search(rf"^ok \d+ page_alloc\.{case}$", out, re.M), \
        f"selftest page_alloc.{case} failed: {out.strip()[-600:]}"


def check_order0_restores(ctx):
    selftest_restores(ctx, "every_free_page_at_order_0_and_back")


def check_mixed_restores(ctx):
    selftest_restores(ctx, "mixed_orders_and_back")


def check_high_order(ctx):
    # all free memory through order 0 and back first: only merging makes
    # large blocks again
    ctx.shell("selftest page_alloc.every_free_page_at_order_0_and_back", timeout=60)
    counts = buddyinfo(ctx)
    assert counts[MAX_ORDER] > 0, \
        (f"no free block of order {MAX_ORDER} (4 MiB) after every page was freed: "
         f"buddyinfo {counts}")
    free = mem_free_pages(ctx)
    # 64 MiB of vmalloc: 16384 pages and a 128 KiB array of their
    # pointers, an order-5 kmalloc
    out = ctx.shell("vmalloc 64M")
    m = re.search(r"^0x([0-9a-f]{16})$", out, re.M)
    assert m, f"`vmalloc 64M` (an order-5 block for its page array) failed: {out.strip()[-400:]}"
    ctx.shell(f"vfree 0x{m.group(1)}")
    assert mem_free_pages(ctx) == free, f"MemFree not back to {free} pages after vfree"


CHECKS = [
    (5, "buddyinfo adds up to meminfo's MemFree", check_boot_totals),
    (10, "buddyinfo after boot and with 1 MiB vmalloc'd fits memblock's free ranges in their "
     "largest blocks (split)", check_shape),
    (10, "every page allocated at order 0 and freed: buddyinfo as before (merge)",
     check_order0_restores),
    (5, "blocks of mixed orders allocated and freed: buddyinfo as before", check_mixed_restores),
    (10, "an order-10 block and a 64 MiB vmalloc after everything was freed at order 0",
     check_high_order),
]

CUT_CHECKS = [
    "buddyinfo after boot and with 1 MiB vmalloc'd fits memblock's free ranges in their "
    "largest blocks (split)",
    "every page allocated at order 0 and freed: buddyinfo as before (merge)",
]
