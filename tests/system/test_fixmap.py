"""The fixmap and early_ioremap seen three ways: the kernel's own commands,
QEMU's `info tlb` (the CPU's view of the tables) and gdb stopped inside
__early_ioremap during boot."""
import re

from qemu import Qemu
from gdb_session import Gdb, free_port, gdb_stub_args

FIXADDR_TOP = 0xffffffffff7ff000
PAGE = 4096
FIXMAP_LINE = re.compile(r"^\s*(\d+)\s+(\S+(?: \S+ \d+ \S+ \d+)?)\s+0x([0-9a-f]{16})\s+(.*)$", re.M)


def fixmap_entries(out):
    """{index: (name, virt, phys or None)} from the `fixmap all` command."""
    entries = {}
    for idx, name, virt, rest in FIXMAP_LINE.findall(out):
        m = re.search(r"phys 0x([0-9a-f]+)", rest)
        entries[int(idx)] = (name, int(virt, 16), int(m.group(1), 16) if m else None, rest)
    return entries


def in_fixmap(va, lowest):
    return lowest <= va <= FIXADDR_TOP


def test_after_boot():
    """One boot, read-only checks: the fixmap and early_ioremap's slots
    against the CPU's view once boot is over."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_leak_warning_absent_at_boot, vm
        yield check_fixmap_agrees_with_info_tlb, vm
        yield check_earlyioremap_all_free_after_boot_and_slots_where_expected, vm


def check_fixmap_agrees_with_info_tlb(vm):
    out = vm.command("fixmap all")
    tlb = vm.info_tlb()
    entries = fixmap_entries(out)
    assert len(entries) > 512, out[-800:]
    lowest = min(v for _, v, _, _ in entries.values())
    for idx, (name, virt, phys, rest) in entries.items():
        assert virt == FIXADDR_TOP - idx * PAGE, (idx, hex(virt))     # __fix_to_virt
        if phys is None:
            assert virt not in tlb, f"{name} shown absent but the CPU maps {virt:#x}"
            continue
        assert virt in tlb, f"{name} at {virt:#x} not in info tlb"
        tphys, flags = tlb[virt]
        assert tphys == phys, (name, hex(tphys), hex(phys))
        # QEMU flags: X=NX G=global C=PCD T=PWT U=user W=writable
        assert ("C" in flags) == ("PCD" in rest) and ("T" in flags) == ("PWT" in rest), (name, flags, rest)
        assert ("W" in flags) == (" RW " in rest) and "U" not in flags, (name, flags, rest)
        assert ("X" in flags) == ("NX" in rest), (name, flags, rest)
    # nothing the CPU maps in the fixmap area is missing from the command
    shown = {v for _, v, p, _ in entries.values() if p is not None}
    for va in tlb:
        if in_fixmap(va, lowest):
            assert va in shown, f"info tlb maps {va:#x} but fixmap does not show it"
    names = {e[0]: e for e in entries.values()}
    assert names["FIX_VGA_TEXT"][2] == 0xb8000
    assert names["FIX_APIC_BASE"][2] == 0xfee00000
    assert names["FIX_IO_APIC_BASE_0"][2] == 0xfec00000


def check_earlyioremap_all_free_after_boot_and_slots_where_expected(vm):
    out = vm.command("earlyioremap")
    tlb = vm.info_tlb()
    assert "early boot over (new maps refused)" in out, out
    rows = re.findall(r"^\s*(\d) 0x([0-9a-f]{16})\s+(\w+)\s+(.*)$", out, re.M)
    assert len(rows) == 8, out
    begin = None
    for slot, virt, state, rest in rows:
        virt = int(virt, 16)
        begin = begin or virt
        assert virt == begin + int(slot) * 64 * PAGE
        assert state == "free", out
        for page in range(64):
            assert virt + page * PAGE not in tlb
    # slot 0 starts at FIX_BTMAP_BEGIN, the lowest fixmap address: 1024 pages below the top
    assert begin == FIXADDR_TOP - 1023 * PAGE, hex(begin)
    assert "acpi" in out, out           # the ACPI walk used the slots: its callers are shown


def check_leak_warning_absent_at_boot(vm):
    assert "early ioremap leak" not in vm.out


def test_gdb_walk_of_early_ioremap():
    """The docs' gdb session: stop in __early_ioremap, finish, inspect the
    slot arrays and the PTE, and check the mapping against info tlb."""
    port = free_port()
    with Qemu(extra=gdb_stub_args(port)) as vm, Gdb(port) as gdb:
        gdb.cmd("hbreak __early_ioremap")
        out = gdb.cmd("continue")
        m = re.search(r"__early_ioremap \(phys=(?:phys@entry=)?(\d+), size=(?:size@entry=)?(\d+),", out)
        assert m, out
        phys, size = int(m.group(1)), int(m.group(2))
        out = gdb.cmd("finish")
        m = re.search(r"Value returned is \$\d+ = \(void \*\) (0x[0-9a-f]+)", out)
        assert m, out
        virt = int(m.group(1), 16)
        slot_virt = [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", gdb.cmd("p/x slot_virt"))]
        prev_map = gdb.cmd("p prev_map")
        prev_size = gdb.cmd("p/x prev_size")
        pte = gdb.cmd(f"p/x bm_pte[{(virt >> 12) & 511}]")
        sig = gdb.cmd(f"x/4c {virt}")
        tlb = vm.info_tlb()                 # the same moment, from QEMU
    assert virt & 0xfff == phys & 0xfff
    assert virt & ~0xfff == slot_virt[0], (hex(virt), [hex(s) for s in slot_virt])
    assert m.group(1) in prev_map, prev_map
    assert hex(size) in prev_size, prev_size
    pte_val = int(re.search(r"= \{pte = (0x[0-9a-f]+)\}", pte).group(1), 16)
    assert pte_val & 0xffffffffff000 == phys & ~0xfff, (hex(pte_val), hex(phys))
    assert tlb[virt & ~0xfff][0] == phys & ~0xfff
    assert re.search(r"'[A-Z0-9]'", sig), sig         # an ACPI signature's letters
