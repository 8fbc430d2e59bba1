"""Lab directmap (docs/labs/directmap.md): all RAM at PAGE_OFFSET with the
largest pages, holes unmapped, and the checked __pa/__va (virt_to_phys,
phys_to_virt). Graded on 4 GiB of RAM and -cpu max (pdpe1gb), so that
there are 1 GiB leaves and the 3-4 GiB PCI hole: against a model of the
map built from the firmware's e820 table, QEMU's gva2gpa and `info tlb`."""
import re

from qemu import ptdump_ranges, check_ptdump_against_tlb
from _common import boots, gva2gpa, selftest

LAB = "directmap"
TITLE = "the direct map: all RAM at PAGE_OFFSET, largest pages, holes unmapped"
BOOT = dict(mem="4G", cpu="max")

PAGE_OFFSET = 0xffff888000000000
DIRECT_END = 0xffffc88000000000
SIZES = {"pud": 1 << 30, "pmd": 2 << 20, "pte": 4096}
E820 = re.compile(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.*)$", re.M)


def ram_ranges(ctx):
    """The RAM the direct map must cover, from the firmware's e820 table
    (`memmap`): usable, ACPI data and NVS, merged, whole pages only."""
    out = ctx.shell("memmap")
    ranges = []
    for s, e, kind in E820.findall(out):
        if kind.strip() in ("usable", "ACPI data", "ACPI NVS"):
            s, e = (int(s, 16) + 4095) & ~4095, (int(e, 16) + 1) & ~4095
            if ranges and ranges[-1][1] == s:
                ranges[-1] = (ranges[-1][0], e)
            elif s < e:
                ranges.append((s, e))
    assert ranges, f"memmap shows no RAM: {out.strip()[:300]!r}"
    return ranges


def model_leaves(ranges):
    """{level: count} mapping ranges with the largest aligned leaves."""
    count = dict.fromkeys(SIZES, 0)
    for s, e in ranges:
        while s < e:
            lv = next(lv for lv, size in SIZES.items() if s % size == 0 and s + size <= e)
            count[lv] += 1
            s += SIZES[lv]
    return count


def direct_leaves(ctx):
    """The direct map's present ranges from ptdump, checked against info tlb."""
    out = ctx.shell("ptdump kernel", timeout=60)
    ranges = ptdump_ranges(out)
    bad = check_ptdump_against_tlb(ranges, ctx.vm.info_tlb())
    assert not bad, "ptdump disagrees with info tlb: " + "; ".join(bad[:3])
    return [(s, e, lv) for s, e, a, lv in ranges if PAGE_OFFSET <= s < DIRECT_END and a]


def check_counts(ctx):
    ram = ram_ranges(ctx)
    model = model_leaves(ram)
    leaves = dict.fromkeys(SIZES, 0)
    for s, e, lv in direct_leaves(ctx):
        leaves[lv] += (e - s) // SIZES[lv]
    out = ctx.shell("directmap")
    shown = {k: int(v) for k, v in re.findall(r"DirectMap(\w+):\s+(\d+) kB", out)}
    want = {"4k": leaves["pte"] * 4, "2M": leaves["pmd"] * 2048, "1G": leaves["pud"] << 20}
    assert shown == want, f"directmap shows {shown} kB, the tables (ptdump = info tlb) hold {want}"
    mapped = sum(leaves[lv] * SIZES[lv] for lv in SIZES)
    total = sum(e - s for s, e in ram)
    assert mapped == total, \
        f"the direct map covers {mapped:#x} bytes, the e820 RAM is {total:#x} bytes"
    assert leaves["pud"] == model["pud"], \
        f"{leaves['pud']} 1G leaves, the e820 map allows {model['pud']}"
    # the image's read-only alias splits a few 2M leaves at its edges, no more
    assert model["pmd"] - 4 <= leaves["pmd"] <= model["pmd"], \
        f"{leaves['pmd']} 2M leaves, the largest-pages model of the e820 map has {model['pmd']}"


def check_pa_va(ctx):
    for phys in (0x100000, 0x1234000, 0x40000000 + 0x5678, 0x100000000 + 0x9000):
        out = ctx.shell(f"va {phys:x}")
        m = re.search(r"= PAGE_OFFSET \+ phys = 0x([0-9a-f]+)", out)
        assert m, f"va {phys:#x}: {out.strip()[:200]!r}"
        va = int(m.group(1), 16)
        assert va == PAGE_OFFSET + phys, f"__va({phys:#x}) = {va:#x}, not PAGE_OFFSET + phys"
        got = gva2gpa(ctx.vm, va)
        assert got == phys, f"the CPU translates __va({phys:#x}) = {va:#x} to {got}, not {phys:#x}"
    selftest(ctx, "direct_map")     # virt_to_phys/phys_to_virt at every RAM boundary


def check_holes(ctx):
    ram = ram_ranges(ctx)
    tlb = ctx.vm.info_tlb()
    holes = [(e, s) for (_, e), (s, _) in zip(ram, ram[1:])]
    assert holes, f"no hole between the RAM ranges {ram}"
    for s, e in holes:
        for phys in (s, (s + e) // 2 & ~4095, e - 4096):
            va = PAGE_OFFSET + phys
            assert gva2gpa(ctx.vm, va) is None, f"the hole at {phys:#x} ({s:#x}-{e:#x}) is mapped at {va:#x}"
    top = PAGE_OFFSET + ram[-1][1]
    assert top not in tlb, f"{top:#x}, past the last RAM, is mapped"


def check_1g(ctx):
    va = PAGE_OFFSET + (1 << 30)
    tlb = ctx.vm.info_tlb()
    assert va in tlb and "P" in tlb[va][1], \
        f"PAGE_OFFSET + 1 GiB is not a large leaf with -cpu max (info tlb: {tlb.get(va)})"
    leaves = [lv for s, e, lv in direct_leaves(ctx) if s <= va < e]
    assert leaves == ["pud"], f"PAGE_OFFSET + 1 GiB is mapped by {leaves or 'nothing'}, not a 1G leaf"
    assert gva2gpa(ctx.vm, va + 0x12345678) == (1 << 30) + 0x12345678


CHECKS = [
    (10, "boots to the prompt", boots),
    (30, "directmap counts agree with the tables and the e820 model", check_counts),
    (20, "va against gva2gpa, virt_to_phys/phys_to_virt (selftest)", check_pa_va),
    (20, "holes in RAM are unmapped", check_holes),
    (20, "1 GiB pages with -cpu max", check_1g),
]
CUT_CHECKS = ["boots to the prompt", "holes in RAM are unmapped"]
