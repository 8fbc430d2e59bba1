"""5-level paging (`la57` on the command line), checked against the CPU's
own view: CR4.LA57 in QEMU's `info registers`, the live tables in `info
tlb` (which walks five levels when CR4.LA57 is set), the faults user
programs take, and the in-kernel suite. On a CPU without LA57 (qemu64) the
option must only warn and leave 4-level paging."""
import re

from qemu import EXIT_SUCCESS, Qemu, ptdump_ranges, check_ptdump_against_tlb
from gdb_session import Gdb, free_port, gdb_stub_args

X86_CR4_LA57 = 1 << 12          # SDM Vol. 3A 2.5
PAGE_OFFSET_L4 = 0xffff888000000000
PAGE_OFFSET_L5 = 0xff11000000000000
VMALLOC_L5 = 0xffa0000000000000
WARNING = "la57: CPU has no 5-level paging (CPUID.7.0:ECX[16] clear); 4-level paging"


def cr4(vm):
    m = re.search(r"CR4=([0-9a-f]+)", vm.hmp("info registers"))
    assert m
    return int(m.group(1), 16)


def ptdump_agrees(vm, markers):
    out = vm.command("ptdump")
    ranges = ptdump_ranges(out)
    assert ranges and ranges[0][0] == 0 and ranges[-1][1] == 0, out[-2000:]
    for (_, e1, _, _), (s2, _, _, _) in zip(ranges, ranges[1:]):
        assert e1 == s2, f"gap or overlap at {e1:#x}/{s2:#x}"
    for name, start in markers:
        assert re.search(rf"---\[ {re.escape(name)} \]---\n0x{start:016x}-", out), (name, out[:3000])
    tlb = vm.info_tlb()
    bad = check_ptdump_against_tlb(ranges, tlb, low=0)
    assert not bad, "\n".join(bad[:10])
    return out, tlb


def test_la57_cpu_max():
    """One boot with la57 on -cpu max: the CPU is in 5-level mode, and the
    kernel's own tools agree with it."""
    with Qemu(cpu="max", cmdline="testmode la57") as vm:
        vm.wait_prompt()
        yield check_cr4_la57_set, vm
        yield check_ptdump_5_levels_matches_info_tlb, vm
        yield check_translate_walks_5_levels, vm
        yield check_probe_kernel_addresses_fault, vm
        yield check_checkpgd_clean, vm
        yield check_mmap_hint_above_47_bits, vm


def check_cr4_la57_set(vm):
    assert cr4(vm) & X86_CR4_LA57, hex(cr4(vm))
    assert "x86/mm: la57: 5-level paging, 57-bit virtual addresses" in vm.out
    assert f"direct map at {PAGE_OFFSET_L5:#x}" in vm.out, vm.out[-3000:]


def check_ptdump_5_levels_matches_info_tlb(vm):
    out, tlb = ptdump_agrees(vm, [("Kernel Space", 0xff00000000000000),
                                  ("Low Kernel Mapping", PAGE_OFFSET_L5),
                                  ("vmalloc() Area", VMALLOC_L5)])
    # the CPU itself translates the 5-level direct map and vmalloc, and
    # nothing at the 4-level places
    assert any(PAGE_OFFSET_L5 <= va < PAGE_OFFSET_L5 + (1 << 40) for va in tlb)
    assert any(VMALLOC_L5 <= va < VMALLOC_L5 + (1 << 40) for va in tlb)
    assert not any(PAGE_OFFSET_L4 <= va < 0xffffe90000000000 for va in tlb)
    assert re.search(r" p4d$", out, re.M), "no P4D-level range"


def check_translate_walks_5_levels(vm):
    tlb = vm.info_tlb()
    for va in sorted(tlb)[:: max(1, len(tlb) // 8)]:
        out = vm.command(f"translate {va + 0x10:x}")
        m = re.search(r"=> physical 0x([0-9a-f]+)", out)
        assert m and int(m.group(1), 16) == tlb[va][0] + 0x10, (hex(va), out)
        assert re.search(r"^PGD\[\s*\d+\].*\nP4D\[", out, re.M), out
        assert "P4D folded" not in out, out
    # canonical with 57 bits, not with 48: walks instead of refusing
    out = vm.command("translate ff80000000000000")
    assert "not canonical" not in out and "PGD entry not present" in out, out
    assert "not canonical" in vm.command("translate fe00000000000000")


def check_probe_kernel_addresses_fault(vm):
    out = vm.command("run probe", timeout=120)
    m = re.search(r"probe: (\d+) of (\d+) children killed by a fault", out)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) >= 24, out
    assert "hello from pid" in vm.command("run hello")


def check_checkpgd_clean(vm):
    out = vm.command("checkpgd")
    assert re.search(r"with a kernel half that differs", out) and ", 0 with" in out, out


def run_highmap(vm):
    """Runs user/highmap in the background; returns (its output lines,
    info tlb read while it sleeps with its pages mapped, its vmas)."""
    pid = re.search(r"\[(\d+)\]", vm.command("run highmap 20 &")).group(1)
    vm.wait_for(r"pid %s wrote .*\n" % pid, 20)
    tlb = vm.info_tlb()       # CR3: highmap's, the one process that runs
    vmas = vm.command(f"vmas {pid}")
    vm.wait_for(r"highmap: read back.*\n", 30)
    lines = re.findall(r"highmap: [^\r\n]*", vm.out)     # may follow a prompt
    return lines, tlb, vmas


def check_mmap_hint_above_47_bits(vm):
    lines, tlb, vmas = run_highmap(vm)
    assert "highmap: no hint -> 0x7fff" in "\n".join(lines), lines
    assert "highmap: hint 0xab000000000000 -> 0xab000000000000 (above 2^47)" in lines, lines
    assert "highmap: read back and unmapped: ok" in lines, lines
    assert re.search(r"^ab000000000000-ab000000001000 rw-p ", vmas, re.M), vmas
    # the CPU translates the page, as a user page, through five levels
    assert 0xab000000000000 in tlb and "U" in tlb[0xab000000000000][1], sorted(tlb)[:5]
    # and it is gone again: munmap freed it
    assert 0xab000000000000 not in vm.info_tlb()


def check_hint_ignored_4_levels(vm):
    lines, tlb, _ = run_highmap(vm)
    assert re.search(r"highmap: hint 0xab000000000000 -> 0x7fff[0-9a-f]+ \(below 2\^47\)",
                     "\n".join(lines)), lines
    assert "highmap: read back and unmapped: ok" in lines, lines
    assert not [va for va in tlb if (1 << 47) <= va < (1 << 63)]


def test_la57_selftests_pass():
    with Qemu(cpu="max", cmdline="test la57") as vm:
        rc = vm.wait_exit(180)
        out = vm.out
    results = re.findall(r"^\s*(ok|not ok) \d+ ", out, re.M)
    assert "5-level paging" in out, out[:3000]
    assert rc == EXIT_SUCCESS and results and "not ok" not in results, out[-3000:]


def test_la57_by_grub_multiboot2():
    """The multiboot2 entry finds the command line in its tag, too."""
    with Qemu(boot="grub", cpu="max", cmdline="testmode la57") as vm:
        vm.wait_prompt()
        assert cr4(vm) & X86_CR4_LA57
        ptdump_agrees(vm, [("Low Kernel Mapping", PAGE_OFFSET_L5)])


def test_la57_without_cpu_support_warns_and_keeps_4_levels():
    with Qemu(cpu="qemu64", cmdline="testmode la57") as vm:
        vm.wait_prompt()
        assert not cr4(vm) & X86_CR4_LA57
        assert vm.out.count(WARNING) == 1, vm.out[-3000:]
        ptdump_agrees(vm, [("Kernel Space", 0xffff800000000000),
                           ("Low Kernel Mapping", PAGE_OFFSET_L4)])
        check_hint_ignored_4_levels(vm)


def test_default_is_4_levels_on_cpu_max():
    with Qemu(cpu="max", cmdline="testmode la57=1") as vm:
        vm.wait_prompt()
        assert not cr4(vm) & X86_CR4_LA57
        assert "la57=1: la57 takes no value; 4-level paging" in vm.out
        out = vm.command("translate ffffffff81000000")
        assert "P4D folded" in out, out


def tlb_phys(tlb, va):
    """va's physical address by info tlb (a large leaf is listed once)."""
    for size in (1 << 12, 1 << 21, 1 << 30):
        base = va & ~(size - 1)
        if base in tlb:
            return tlb[base][0] + (va - base)
    return None


def test_la57_gdb_translate_on_the_boot_pml5():
    """translate-vm (scripts/gdb/carta/pgtable.py) walks the boot PML5,
    before swapper_pg_dir exists, as info tlb does."""
    port = free_port()
    with Qemu(cpu="max", cmdline="testmode la57", extra=gdb_stub_args(port)) as vm, \
            Gdb(port) as gdb:
        gdb.cmd("hbreak start_kernel")
        assert "start_kernel (" in gdb.cmd("continue")
        tlb = vm.info_tlb()
        walk = gdb.cmd("translate-vm 0xffffffff80200123")
        assert "P4D[511]" in walk and "folded" not in walk, walk
        m = re.search(r"=> physical 0x([0-9a-f]+)", walk)
        assert m and int(m.group(1), 16) == tlb_phys(tlb, 0xffffffff80200123), walk


def test_la57_gdb_helpers_match_the_shell():
    """lx-ptdump, lx-checkpgd and translate-vm print what the shell does."""
    port = free_port()
    va = PAGE_OFFSET_L5 + 0x100008
    cmds = {"ptdump": "lx-ptdump", "ptdump kernel": "lx-ptdump kernel",
            "checkpgd": "lx-checkpgd", f"translate {va:x}": f"translate-vm {va:#x}"}
    with Qemu(cpu="max", cmdline="la57", extra=["-gdb", f"tcp:127.0.0.1:{port}"]) as vm:
        vm.wait_prompt(60)
        views = {c: vm.command(c, 60) for c in cmds}
        with Gdb(port) as gdb:
            for cmd, gcmd in cmds.items():
                shell, g = views[cmd].splitlines(), gdb.cmd(gcmd).splitlines()
                if cmd.startswith("translate"):
                    shell, g = shell[1:], g[1:]     # the first line has CR3
                assert shell and shell == g, (cmd, [(a, b) for a, b in zip(shell, g)
                                                    if a != b][:4], len(shell), len(g))


def test_la57_oops_walk_shows_five_levels():
    """The oops line (dump_pagetable) prints the PML5 and the P4D entries,
    two different tables now: each against QEMU's `xp` of the tables CR3
    points at, read before the fault."""
    with Qemu(cpu="max", cmdline="testmode la57") as vm:
        vm.wait_prompt()
        cr3 = int(re.search(r"CR3=([0-9a-f]+)", vm.hmp("info registers")).group(1), 16)

        def entry(table, i):
            out = vm.hmp(f"xp /1gx {(table & 0x000ffffffffff000) + 8 * i:#x}")
            return int(out.split(":")[1].split()[0], 16)
        pml5e = entry(cr3, 511)              # the image: PML5 511, PML4 511
        pml4e = entry(pml5e, 511)
        vm.send("crash wp\r")
        vm.wait_exit(20)
        out = vm.out
    m = re.search(r"^.*PGD ([0-9a-f]+) P4D ([0-9a-f]+) PUD [0-9a-f]+ PMD [0-9a-f]+", out, re.M)
    assert m, out[-3000:]
    assert (int(m.group(1), 16), int(m.group(2), 16)) == (pml5e, pml4e), (m.group(0), hex(pml5e),
                                                                          hex(pml4e))
    assert pml5e != pml4e


def test_la57_after_a_tab_as_the_c_parser_reads_it():
    """boot/head.asm splits words as kernel/cmdline.c does (space or tab)."""
    with Qemu(cpu="max", cmdline="testmode\tla57") as vm:
        vm.wait_prompt()
        assert cr4(vm) & X86_CR4_LA57
        assert "la57: not seen by the boot code" not in vm.out
