"""`ptdump` and `translate` against QEMU's `info tlb`, the CPU's own view of
the live tables, on CPUs with and without 1 GiB pages."""
import re

from qemu import Qemu, ptdump_ranges, check_ptdump_against_tlb


def ptdump_agrees_with_info_tlb(vm):
    out = vm.command("ptdump")
    tlb = vm.info_tlb()
    ranges = ptdump_ranges(out)
    assert ranges and ranges[0][0] == 0 and ranges[-1][1] == 0, out
    for (_, e1, _, _), (s2, _, _, _) in zip(ranges, ranges[1:]):
        assert e1 == s2, f"gap or overlap at {e1:#x}/{s2:#x}"
    for marker in ("User Space", "Kernel Space", "Low Kernel Mapping", "vmalloc() Area",
                   "High Kernel Mapping", "Fixmap Area"):
        assert f"---[ {marker} ]---" in out, marker
    bad = check_ptdump_against_tlb(ranges, tlb, low=0)
    assert not bad, "\n".join(bad[:10])
    return ranges


def test_cpu_max():
    """One boot on -cpu max (1 GiB pages): ptdump, then translate, each
    against info tlb; neither changes a mapping."""
    with Qemu(cpu="max") as vm:
        vm.wait_prompt()
        yield check_ptdump_matches_info_tlb_cpu_max, vm
        yield check_translate_matches_info_tlb, vm


def check_ptdump_matches_info_tlb_cpu_max(vm):
    ptdump_agrees_with_info_tlb(vm)


def test_ptdump_matches_info_tlb_qemu64():
    with Qemu(cpu="qemu64") as vm:
        vm.wait_prompt()
        ptdump_agrees_with_info_tlb(vm)


def check_translate_matches_info_tlb(vm):
    tlb = vm.info_tlb()
    for va in sorted(tlb)[:: max(1, len(tlb) // 12)]:
        out = vm.command(f"translate {va + 0x123:x}")
        m = re.search(r"=> physical 0x([0-9a-f]+)", out)
        assert m, out
        assert int(m.group(1), 16) == tlb[va][0] + 0x123, (hex(va), out)
    out = vm.command("translate 0")
    assert "walk stops: PGD entry not present" in out, out
    out = vm.command("translate 8000000000000000")
    assert "not canonical" in out, out
    assert vm.command("translate").strip() == "usage: translate [0x]VADDR|FUNCTION"
    assert vm.command("translate 12g4").strip() == "usage: translate [0x]VADDR|FUNCTION"
    assert vm.command("translate 1ffffffffffffffff").strip() == "usage: translate [0x]VADDR|FUNCTION"
