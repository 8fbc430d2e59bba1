"""Lab fixmap (docs/labs/fixmap.md): __set_fixmap/clear_fixmap, virt_to_fix,
and early_ioremap's slot search and release. Graded against QEMU's `info
tlb` over the fixmap, the ACPI tables boot read through the slots, and the
slots' state once boot is over."""
import re

from _common import boots, selftest

LAB = "fixmap"
TITLE = "the fixmap and early_ioremap's slots"

FIXADDR_TOP = 0xffffffffff7ff000
PAGE = 4096
FIXMAP_ROW = re.compile(r"^\s*(\d+)\s+(\S+(?: slot \d+ page \d+)?)\s+0x([0-9a-f]{16})\s+(.*)$", re.M)


def check_fixmap_against_tlb(ctx):
    out = ctx.shell("fixmap all", timeout=60)
    tlb = ctx.vm.info_tlb()
    rows = {int(i): (name, int(v, 16), rest) for i, name, v, rest in FIXMAP_ROW.findall(out)}
    assert len(rows) > 512, f"fixmap all listed {len(rows)} entries: {out.strip()[-200:]!r}"
    shown = set()
    for idx, (name, virt, rest) in sorted(rows.items()):
        assert virt == FIXADDR_TOP - idx * PAGE, \
            f"{name}: index {idx} shown at {virt:#x}, __fix_to_virt gives {FIXADDR_TOP - idx * PAGE:#x}"
        m = re.search(r"phys 0x([0-9a-f]+)", rest)
        if not m:
            assert virt not in tlb, f"{name} is shown not present, but the CPU maps {virt:#x} (info tlb)"
            continue
        shown.add(virt)
        phys = int(m.group(1), 16)
        assert virt in tlb, f"{name} at {virt:#x} is shown mapped, but info tlb does not map it"
        assert tlb[virt][0] == phys, f"{name}: the CPU maps {virt:#x} to {tlb[virt][0]:#x}, not {phys:#x}"
    lowest = min(v for _, v, _ in rows.values())
    extra = [hex(va) for va in tlb if lowest <= va <= FIXADDR_TOP and va not in shown]
    assert not extra, f"info tlb maps fixmap pages that fixmap does not show: {', '.join(extra[:4])}"
    want = {"FIX_APIC_BASE": 0xfee00000, "FIX_IO_APIC_BASE_0": 0xfec00000}
    for name, phys in want.items():
        idx = [i for i, r in rows.items() if r[0] == name]
        assert idx and tlb.get(rows[idx[0]][1], (None,))[0] == phys, \
            f"{name} does not map {phys:#x} (info tlb: {tlb.get(rows[idx[0]][1]) if idx else None})"
        assert "C" in tlb[rows[idx[0]][1]][1], f"{name} is not uncached (PCD) in info tlb"


def check_acpi_read(ctx):
    out = ctx.shell("acpi")
    for sig in ("FACP", "APIC", "DSDT"):
        assert re.search(rf"^{sig} 0x[0-9a-f]+ .*checksum ok", out, re.M), \
            f"the ACPI {sig} table was not read at boot (acpi shows: {out.strip()[:300]!r})"
    assert "LAPIC at 0xfee00000" in out, f"no LAPIC from the MADT: {out.strip()[-300:]!r}"


def check_slots_free(ctx):
    out = ctx.shell("earlyioremap")
    tlb = ctx.vm.info_tlb()
    rows = re.findall(r"^\s*(\d) 0x([0-9a-f]{16})\s+(\w+)\s+(.*)$", out, re.M)
    assert len(rows) == 8, f"earlyioremap shows {len(rows)} slots, not 8: {out.strip()!r}"
    live = [s for s, _, state, _ in rows if state != "free"]
    assert not live, f"slot(s) {', '.join(live)} still live after boot: early_iounmap did not free them"
    for slot, virt, _, _ in rows:
        mapped = [hex(int(virt, 16) + p * PAGE) for p in range(64) if int(virt, 16) + p * PAGE in tlb]
        assert not mapped, f"slot {slot} is free but the CPU still maps {', '.join(mapped[:3])} (info tlb)"
    assert "early ioremap leak" not in ctx.vm.out, "boot warned: early ioremap leak"
    assert "acpi" in out, ("no slot was ever used by the ACPI code (every slot 'never used'): "
                           "no early_memremap succeeded at boot")


def check_selftests(ctx):
    selftest(ctx, "fixmap")


CHECKS = [
    (10, "boots to the prompt", boots),
    (30, "fixmap agrees with info tlb", check_fixmap_against_tlb),
    (20, "ACPI tables were read at boot", check_acpi_read),
    (25, "earlyioremap: all slots free and unmapped after boot", check_slots_free),
    (15, "virt_to_fix and __set_fixmap refusals (selftest fixmap)", check_selftests),
]
CUT_CHECKS = ["ACPI tables were read at boot", "fixmap agrees with info tlb"]
