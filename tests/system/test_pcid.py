"""PCID (mm/tlb.c, mm/asid.c) on `-cpu max` and `-cpu qemu64`, checked
against QEMU's own view: its vCPU model's `pcid` property (qom-get), CR4
bit 17 (PCIDE, SDM Vol. 3A 2.5) and CR3's low 12 bits (the PCID,
4.10.1) from `info registers` while a user program runs in ring 3.

QEMU 7.2's TCG offers no PCID, not even on `-cpu max` (`-cpu max,+pcid`
warns "TCG doesn't support requested feature"), so on this QEMU both CPUs
take the no-PCID path: CR4.PCIDE clear, plain CR3 writes, every process
switch a flushing one. The PCID branch below is for a QEMU that has it;
the allocator itself is checked against a model TLB by
tests/unit/test_asid.c (a missing flush never shows under TCG anyway)."""
import re
import time

from qemu import Qemu

CR4_PCIDE = 1 << 17


def regs(vm):
    r = vm.hmp("info registers")
    return (int(re.search(r"CR3=([0-9a-f]+)", r).group(1), 16),
            int(re.search(r"CR4=([0-9a-f]+)", r).group(1), 16),
            int(re.search(r"CPL=(\d)", r).group(1)))


def user_cr3(vm):
    """CR3 while `spin` runs in ring 3 (read by QEMU, not by Carta)."""
    start = len(vm.out)
    vm.send("run spin\r")
    vm.wait_for(r"run spin\n", 10, start)
    try:
        for _ in range(200):
            cr3, cr4, cpl = regs(vm)
            if cpl == 3:
                return cr3, cr4
            time.sleep(0.05)
        raise AssertionError("spin never seen in ring 3")
    finally:
        vm.send("\x03")
        vm.wait_for(r"spin\[\d+\]: killed by signal 9", 10, start)
        vm.wait_for(r"^carta> ", 10, start)


def switches(vm):
    m = re.search(r"switches: flush (\d+)  no-flush (\d+)", vm.command("tlbstat"))
    return int(m.group(1)), int(m.group(2))


def check_cpu(cpu):
    with Qemu(cpu=cpu) as vm:
        vm.wait_prompt()
        path = vm.qmp_cmd("query-cpus-fast")[0]["qom-path"]
        has = bool(vm.qmp_cmd("qom-get", {"path": path, "property": "pcid"}))
        line = [l for l in vm.command("cpuinfo").splitlines() if l.startswith("flags")][0]
        assert ("pcid" in line.split()) == has, line
        cr3, cr4 = user_cr3(vm)
        assert bool(cr4 & CR4_PCIDE) == has, hex(cr4)
        f0, n0 = switches(vm)
        out = vm.command("run ubench pingpong", timeout=120)
        assert "ticks per round trip" in out, out
        f1, n1 = switches(vm)
    if has:
        assert 1 <= cr3 & 0xfff <= 6, hex(cr3)      # kern_pcid: 1..TLB_NR_DYN_ASIDS
        assert n1 - n0 > 500, (f0, n0, f1, n1)      # 12 batches x 50 round trips
    else:
        assert "no PCID in CPUID" in vm.out
        assert cr3 & 0xfff == 0, hex(cr3)
        assert n1 == n0 == 0 and f1 - f0 > 1000, (f0, n0, f1, n1)
    return has


def test_max_pcid_as_qemu_offers_it():
    check_cpu("max")


def test_qemu64_plain_cr3_writes():
    assert not check_cpu("qemu64")


def test_nopcid_accepted_and_nopcid_value_warned():
    with Qemu(cmdline="testmode nopcid") as vm:
        vm.wait_prompt()
        _, cr4 = user_cr3(vm)
        assert not cr4 & CR4_PCIDE, hex(cr4)
        assert "Unknown kernel command line" not in vm.out, vm.out
        assert re.search(r"x86/tlb: (PCID disabled by nopcid|no PCID in CPUID)", vm.out)
        out = vm.command("run forktest")
        assert "forktest: OK" in out, out
    with Qemu(cmdline="testmode nopcid=1") as vm:
        vm.wait_prompt()
        assert "nopcid=1: nopcid takes no value" in vm.out, vm.out
