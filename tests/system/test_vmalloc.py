"""vmalloc and ioremap from the shell, with the QEMU monitor's `info tlb`
(the CPU's own translation) as the oracle for what is mapped, where, and
with which bits. QEMU's flags: X=NX G=global C=PCD T=PWT P=PSE/PAT
U=user W=writable."""
import re

from qemu import Qemu

VMALLOC_START, VMALLOC_END = 0xffffc90000000000, 0xffffe8ffffffffff
ADDR = re.compile(r"^0x([0-9a-f]{16})", re.M)
INFO = re.compile(r"^0x([0-9a-f]{16})-0x([0-9a-f]{16}) +(\d+) (\S+)(.*)$", re.M)

# Linux's PAT layout (WB WC UC- UC WB WP UC- WT): the PWT/PCD bits of each
# type, from the SDM's index = PAT<<2 | PCD<<1 | PWT. Without PAT, WC
# falls back to UC-.
TYPE_BITS = {"uc-": "C", "uc": "CT", "wc": "T", "wb": ""}


def vmallocinfo(vm):
    return {int(a, 16): (int(b, 16), int(size), caller, rest.split())
            for a, b, size, caller, rest in INFO.findall(vm.command("vmallocinfo"))}


def new_addr(out):
    m = ADDR.search(out)
    assert m, out
    return int(m.group(1), 16)


def test_cpu_max():
    """One boot on -cpu max. First the checks that leave nothing behind
    (each compares vmallocinfo before and after itself), then the two that
    leave their areas mapped. The foreign-area check takes the first
    ioremap area as the kernel's own (the HPET's): no shell ioremap may
    be left before it."""
    with Qemu(cpu="max") as vm:
        vm.wait_prompt()
        yield check_vmalloc_maps_pages_rw_nx_with_guard_and_vfree_unmaps, vm
        yield check_ioremap_refusals_change_nothing, vm
        yield check_bad_arguments_and_foreign_areas_are_refused, vm
        yield check_vmalloc_alignment_is_honoured, vm
        yield check_ioremap_pte_bits_match_type_cpu_max, vm


def check_vmalloc_maps_pages_rw_nx_with_guard_and_vfree_unmaps(vm):
    before = vmallocinfo(vm)
    addr = new_addr(vm.command("vmalloc 40000"))
    tlb = vm.info_tlb()
    info = vmallocinfo(vm)
    translated = [vm.command(f"translate {addr + i * 4096 + 0x10:x}") for i in range(10)]
    out = vm.command(f"vfree {addr:x}")
    after_tlb = vm.info_tlb()
    after = vmallocinfo(vm)
    assert VMALLOC_START <= addr < VMALLOC_END and addr % 4096 == 0, hex(addr)
    # 40000 bytes = 10 pages, mapped RW + NX + global, not user; then the guard
    pages = [addr + i * 4096 for i in range(10)]
    for va in pages:
        assert va in tlb, f"{va:#x} not mapped"
        flags = tlb[va][1]
        assert "W" in flags and "X" in flags and "G" in flags and "U" not in flags, flags
    assert addr + 10 * 4096 not in tlb, "guard page mapped"
    # vmalloc memory is built from single pages: each its own frame
    frames = [tlb[va][0] for va in pages]
    assert len(set(frames)) == 10, frames
    for frame, text in zip(frames, translated):
        m = re.search(r"=> physical 0x([0-9a-f]+)", text)
        assert m and int(m.group(1), 16) == frame + 0x10, text
    # vmallocinfo: Linux's line, the guard page counted in the size
    end, size, caller, rest = info[addr]
    assert (end, size) == (addr + 45056, 45056), info[addr]
    assert caller.startswith("cmd_vmalloc+0x") and rest == ["pages=10", "vmalloc"], info[addr]
    assert out.strip() == "", out
    assert not any(va in after_tlb for va in pages), "pages still mapped after vfree"
    assert after == before, (after, before)


def check_vmalloc_alignment_is_honoured(vm):
    addrs = [new_addr(vm.command(f"vmalloc 5000 {1 << s:#x}")) for s in (16, 21, 24)]
    tlb = vm.info_tlb()
    for a, s in zip(addrs, (16, 21, 24)):
        assert a % (1 << s) == 0, (hex(a), s)
        assert a in tlb and a + 4096 in tlb and a + 8192 not in tlb, hex(a)


def ioremap_types_agree(vm):
    """ioremap of each type: the PTE bits the CPU sees; returns whether the
    CPU has PAT. Leaves the areas mapped."""
    pat = "x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT" in vm.out
    got = {}
    for i, t in enumerate(TYPE_BITS):
        phys = 0xf0000000 + i * 0x10000 + 0x234        # unused PCI hole
        got[t] = (phys, new_addr(vm.command(f"ioremap {phys:x} 0x2000 {t}")))
    # the fixmap maps the LAPIC uncached: the same type is fine, another
    # is refused
    lapic = new_addr(vm.command("ioremap fee00000 0x1000 uc"))
    lapic_wb = vm.command("ioremap fee00000 0x1000 wb")
    wc_line = vm.command("ioremap f1000000 0x1000 wc")
    tlb = vm.info_tlb()
    for t, (phys, va) in got.items():
        assert va % 4096 == 0x234, hex(va)          # the offset in the page is kept
        want = TYPE_BITS[t] if pat or t != "wc" else TYPE_BITS["uc-"]
        for page in range(2):                       # 0x234 + 0x2000 spans 3 pages
            p, flags = tlb[va - 0x234 + page * 4096]
            assert p == phys - 0x234 + page * 4096, (t, hex(p))
            assert ("C" in flags, "T" in flags) == ("C" in want, "T" in want), (t, flags)
            assert "P" not in flags and "W" in flags and "X" in flags, (t, flags)
    assert tlb[lapic][0] == 0xfee00000 and "C" in tlb[lapic][1] and "T" in tlb[lapic][1], tlb[lapic]
    assert "conflicting memory types fee00000-fee01000 write-back<->uncached" in lapic_wb, lapic_wb
    # the shell names the type the PTE really got
    assert wc_line.rstrip().endswith("(write-combining)" if pat else "(uncached-minus)"), wc_line
    return pat


def check_ioremap_pte_bits_match_type_cpu_max(vm):
    assert ioremap_types_agree(vm)


def test_ioremap_pte_bits_match_type_qemu64():
    with Qemu(cpu="qemu64") as vm:
        vm.wait_prompt()
        ioremap_types_agree(vm)


def test_without_pat_wc_falls_back_and_selftests_pass():
    # one boot: the suite first, on a kernel no ioremap of ours has touched
    with Qemu(cpu="qemu64,-pat") as vm:
        vm.wait_prompt()
        out = vm.command("selftest", timeout=120)
        # a CPU without PAT keeps the power-on table: WC becomes UC-
        assert not ioremap_types_agree(vm)
    assert "x86/PAT: not supported by the CPU; WC falls back to UC-" in vm.out, vm.out
    assert re.search(r"^ok \d+ pat\.msr_and_cache_mode_bits", out, re.M), out
    assert "not ok" not in out, out


def check_ioremap_refusals_change_nothing(vm):
    before = vmallocinfo(vm)
    tlb_before = vm.info_tlb()
    ram = vm.command("ioremap 100000 0x1000")
    straddle = vm.command("ioremap 9f000 0x62000")
    wrap = vm.command("ioremap ffffffffffff0000 0x20000")
    # the HPET is already ioremapped uncached-minus at boot
    conflict = vm.command("ioremap fed00000 0x400 wc")
    same = new_addr(vm.command("ioremap fed00100 0x10 uc-"))
    vm.command(f"iounmap {same:x}")
    after = vmallocinfo(vm)
    tlb_after = vm.info_tlb()
    assert "ioremap on RAM at 0x0000000000100000 - 0x0000000000100fff" in ram, ram
    assert "ioremap on RAM at 0x000000000009f000 - 0x0000000000100fff" in straddle, straddle
    assert "bad range" in wrap, wrap
    assert "conflicting memory types fed00000-fed01000 write-combining<->uncached-minus" in \
        conflict, conflict
    assert after == before and tlb_after == tlb_before


def check_bad_arguments_and_foreign_areas_are_refused(vm):
    before = vmallocinfo(vm)
    hpet = next(a for a, v in before.items() if "ioremap" in v[3])
    stack = next(a for a, v in before.items() if v[2].startswith("alloc_task"))
    outs = {c: vm.command(c) for c in (
        "vmalloc", "vmalloc 0", "vmalloc 12x", "vmalloc 4096 3", "vmalloc 1 2 3",
        "vfree", "vfree zz", "ioremap fee00000", "ioremap fee00000 0x1000 xx",
        "ioremap f0000000 0x40000001",
        "iounmap", "vmallocinfo 1")}
    foreign = [vm.command(f"vfree {stack:x}"), vm.command(f"iounmap {hpet:x}"),
               vm.command(f"vfree {hpet:x}")]
    bogus = [vm.command("vfree ffffc9ffff000000"), vm.command("iounmap 1000")]
    huge = vm.command("vmalloc 0x100000000000")
    mine = new_addr(vm.command("vmalloc 4096"))
    inside = vm.command(f"vfree {mine + 4096:x}")
    vm.command(f"vfree {mine:x}")
    twice = vm.command(f"vfree {mine:x}")
    after = vmallocinfo(vm)
    alive = vm.command("help")
    for c, out in outs.items():
        assert out.strip().startswith("usage: " + c.split()[0]), (c, out)
    for out in foreign:
        assert "not one this shell made; refused" in out, out
    assert "Trying to vfree() nonexistent vm area (0xffffc9ffff000000)" in bogus[0], bogus
    assert "iounmap: bad address 0x0000000000001000" in bogus[1], bogus
    assert "vmalloc error: size 17592186044416" in huge, huge
    assert "Trying to vfree() nonexistent vm area" in inside, inside
    assert "Trying to vfree() nonexistent vm area" in twice, twice
    assert after == before, (after, before)
    assert "vmallocinfo" in alive
