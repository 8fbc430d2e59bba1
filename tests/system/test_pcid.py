"""PCID (mm/tlb.c, mm/asid.c) checked against the CPU's own view, on two
emulators.

QEMU, `-cpu max` and `-cpu qemu64`: its vCPU model's `pcid` property
(qom-get), CR4 bit 17 (PCIDE, SDM Vol. 3A 2.5) and CR3's low 12 bits (the
PCID, 4.10.1) from `info registers` while a user program runs in ring 3.
QEMU 7.2's TCG offers no PCID, not even on `-cpu max` (`-cpu max,+pcid`
warns "TCG doesn't support requested feature"), so on this QEMU both CPUs
take the no-PCID path: CR4.PCIDE clear, plain CR3 writes, every process
switch a flushing one. The PCID branch of check_cpu is for a QEMU that has it.

Bochs (scripts/bochs.py), corei7_haswell_4770: PCID and INVPCID, so the
PCID path runs, on a CPU that faults (#GP, an oops here) on a CR3 with
reserved bits set or a bad INVPCID operand. Its debugger stops at the
first instruction of the first user program (the ELF's entry point, a
linear breakpoint) and prints CR3 and CR4 as the CPU holds them, in ring 3:
PCID 1..TLB_NR_DYN_ASIDS and CR4.PCIDE set, or with `nopcid` PCID 0 and
PCIDE clear. One boot each, its checks sharing it. What neither emulator
shows is a missing flush: Bochs, like TCG, ignores CR3 bit 63 (the
no-flush hint) and flushes on every CR3 write. tests/unit/test_asid.c
checks the allocator against a model TLB for that."""
import os
import re
import struct
import subprocess
import time

from bochs import Bochs, stop_at
from qemu import Qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CR4_PCIDE = 1 << 17
CR0_NW, CR0_CD = 1 << 29, 1 << 30   # SDM Vol. 3A 2.5


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


# --- Bochs --------------------------------------------------------------

def nr_dyn_asids():
    """TLB_NR_DYN_ASIDS, from mm/asid.h."""
    with open(os.path.join(ROOT, "mm", "asid.h")) as f:
        return int(re.search(r"^#define TLB_NR_DYN_ASIDS (\d+)", f.read(), re.M).group(1))


def probe_children():
    """How many children user/probe.c spawns without arguments: one per
    entry of fixed_targets[] and of kinds[], from its definitions."""
    with open(os.path.join(ROOT, "user", "probe.c")) as f:
        src = f.read()
    targets = re.search(r"fixed_targets\[\] = \{(.*?)\n\};", src, re.S).group(1)
    kinds = re.search(r"kinds\[\] = \{(.*?)\};", src, re.S).group(1)
    return len(re.findall(r"\{\s*\"", targets)) * len(re.findall(r"\"\w+\"", kinds))


def user_entry(prog="hello"):
    """The entry point of a user program, from its ELF header (e_entry)."""
    with open(os.path.join(ROOT, "build", "user", prog + ".elf"), "rb") as f:
        return struct.unpack_from("<Q", f.read(64), 0x18)[0]


def cr3_writes(func="switch_mm_irqs_off"):
    """[(address, source register)] of each MOV to CR3 in func, from the
    disassembly of build/carta.elf (write_cr3 is inlined there)."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--disassemble={func}",
                          os.path.join(ROOT, "build", "carta.elf")],
                         capture_output=True, text=True, check=True).stdout
    writes = [(int(a, 16), r) for a, r in
              re.findall(r"^\s*([0-9a-f]+):\s+mov\s+%(\w+),%cr3$", out, re.M)]
    assert writes, f"no mov to %cr3 in {func}:\n{out[-2000:]}"
    return writes


def bochs_boot(cmdline):
    """A Bochs boot whose debugger stops twice: (1) at the first user
    program's entry point, showing CR3, CR4 and the entry's translation;
    (2) at the first CR3 write in switch_mm_irqs_off whose operand has bit
    63 set (the no-flush hint, which the CPU does not keep in CR3),
    showing the registers, then the CR3 the write leaves after one step."""
    entry = user_entry()
    noflush = [(addr, f"{reg} >> 63") for addr, reg in cr3_writes()]
    vm = Bochs(cmdline=cmdline, debugger=stop_at(entry, "creg", f"page {entry:#x}") +
               stop_at(noflush, "r", "s", "creg", first=2))
    try:
        vm.wait_prompt(60)
    except BaseException:
        vm.close()
        raise
    return vm


def bochs_stop_in_user(vm, prog="hello"):
    """Runs `prog`, the boot's first user program, and returns what the
    debugger printed where it stopped: at the entry point, in ring 3."""
    start = len(vm.debugger.out)
    out = vm.command(f"run {prog}")
    stop = vm.wait_stop(1, start=start)
    assert stop.get("rip") == user_entry(prog) and stop["cs"] & 3 == 3, (stop, vm.debugger.out[-2000:])
    return stop, out


def tlbstat(vm):
    """tlbstat's counters: {"flush", "no-flush", "asid allocations",
    "asid wraps"}, and "slots": {pcid: ctx_id} of the ASID slots."""
    out = vm.command("tlbstat")
    m = re.search(r"switches: flush (\d+)  no-flush (\d+)  asid allocations (\d+)  asid wraps (\d+)", out)
    assert m, out
    stat = dict(zip(("flush", "no-flush", "asid allocations", "asid wraps"), map(int, m.groups())))
    stat["slots"] = {int(p): int(c) for p, c in re.findall(r"asid \d+ pcid (\d+): ctx_id (\d+)", out)}
    return stat


def test_bochs_pcid():
    """One Bochs boot with PCID: the CPU's CR3 and CR4 in ring 3, then
    programs that switch address spaces hundreds of times, each CR3 write
    checked by the CPU."""
    with bochs_boot("testmode") as vm:
        yield check_bochs_pcid_enabled_with_invpcid, vm
        yield check_bochs_ring3_cr3_holds_a_pcid, vm
        yield check_bochs_forktest, vm
        yield check_bochs_pingpong_switches_without_flush, vm
        yield check_bochs_noflush_cr3_write_sets_bit63, vm
        yield check_bochs_probe_children_all_killed, vm


def check_bochs_pcid_enabled_with_invpcid(vm):
    want = f"x86/tlb: PCID enabled, {nr_dyn_asids()} dynamic ASIDs; INVPCID used"
    assert want in vm.out, vm.out[-3000:]
    flags = [l for l in vm.command("cpuinfo").splitlines() if l.startswith("flags")][0].split()
    assert "pcid" in flags and "invpcid" in flags, flags


def check_bochs_ring3_cr3_holds_a_pcid(vm):
    entry = user_entry()
    stop, out = bochs_stop_in_user(vm)
    assert "hello from pid" in out, out
    pcid = stop["CR3"] & 0xfff
    assert stop["CR4"] & CR4_PCIDE, hex(stop["CR4"])
    assert 1 <= pcid <= nr_dyn_asids(), hex(stop["CR3"])
    assert entry in stop["pages"], stop         # the CPU translates the entry through it
    # Bochs's BIOS hands over with the caches off (CR0.CD, NW): the boot
    # must clear them, as Linux's fixed CR0 does (boot/head.asm)
    assert not stop["CR0"] & (CR0_CD | CR0_NW), hex(stop["CR0"])
    # the kernel's bookkeeping names the same PCID for a live context
    slots = tlbstat(vm)["slots"]
    assert slots.get(pcid), (hex(stop["CR3"]), slots)


def check_bochs_forktest(vm):
    out = vm.command("run forktest", timeout=60)
    assert "forktest: OK" in out, out


def pingpong_switches():
    """Process switches `ubench pingpong` makes at least: two per round
    trip, PINGPONG_ROUNDS per batch, BATCHES batches and one to warm up
    (user/ubench.c)."""
    with open(os.path.join(ROOT, "user", "ubench.c")) as f:
        src = f.read()
    n = {k: int(re.search(rf"^#define {k}\s+(\d+)", src, re.M).group(1))
         for k in ("BATCHES", "PINGPONG_ROUNDS")}
    return 2 * (n["BATCHES"] + 1) * n["PINGPONG_ROUNDS"]


def pingpong(vm):
    """tlbstat's counters before and after `run ubench pingpong`."""
    before = tlbstat(vm)
    out = vm.command("run ubench pingpong", timeout=120)
    assert "ticks per round trip" in out, out
    return before, tlbstat(vm)


def check_bochs_pingpong_switches_without_flush(vm):
    before, after = pingpong(vm)
    flush = after["flush"] - before["flush"]
    noflush = after["no-flush"] - before["no-flush"]
    # two processes, two ASIDs: only a switch into a fresh one (or one
    # asked to flush while away) flushes; all the others keep the TLB
    assert noflush > 0 and flush + noflush >= pingpong_switches() and flush < 10, (before, after)
    assert after["asid allocations"] > 0, after


def check_bochs_noflush_cr3_write_sets_bit63(vm):
    """What the CPU was handed: a no-flush switch's CR3 operand, read at
    the MOV (Bochs, like TCG, would flush all the same, and keeps no bit 63
    in CR3 to look at later)."""
    stop = vm.wait_stop(2, timeout=5)
    reg = re.fullmatch(r"mov cr3, (\w+)", stop["insn"]).group(1)
    value = stop["regs"][reg]
    assert value >> 63 and 1 <= value & 0xfff <= nr_dyn_asids(), hex(value)
    assert stop["CR3"] == value & ~(1 << 63), (hex(stop["CR3"]), hex(value))   # after the step


def check_bochs_probe_children_all_killed(vm):
    n = probe_children()
    before = tlbstat(vm)
    out = vm.command("run probe", timeout=120)
    assert f"probe: {n} of {n} children killed by a fault" in out, out
    # more processes than ASIDs: the allocator went round and reused slots
    assert tlbstat(vm)["asid wraps"] > before["asid wraps"], out[-500:]
    assert "Oops" not in vm.out, vm.out[-3000:]


def test_bochs_nopcid():
    """The same CPU with `nopcid`: the kernel leaves PCID off although the
    CPU has it; CR3 carries PCID 0 and every switch flushes."""
    with bochs_boot("testmode nopcid") as vm:
        yield check_bochs_nopcid_disabled, vm
        yield check_bochs_nopcid_ring3_cr3_plain, vm
        yield check_bochs_nopcid_every_switch_flushes, vm


def check_bochs_nopcid_disabled(vm):
    assert "x86/tlb: PCID disabled by nopcid" in vm.out, vm.out[-3000:]
    flags = [l for l in vm.command("cpuinfo").splitlines() if l.startswith("flags")][0].split()
    assert "pcid" in flags, flags       # the CPU still has it


def check_bochs_nopcid_ring3_cr3_plain(vm):
    stop, _ = bochs_stop_in_user(vm)
    assert stop["CR3"] & 0xfff == 0, hex(stop["CR3"])
    assert not stop["CR4"] & CR4_PCIDE, hex(stop["CR4"])


def check_bochs_nopcid_every_switch_flushes(vm):
    before, after = pingpong(vm)
    assert after["no-flush"] == 0 and after["asid allocations"] == 0, after
    assert after["flush"] - before["flush"] >= pingpong_switches(), (before, after)
    assert not vm.stopped(2), vm.debugger.out[-2000:]     # no CR3 operand had bit 63


# --- PTI with PCID (mm/asid.h user_pcid, kernel/calling.inc) ----------------

PTI_USER_PGTABLE_BIT = 12       # CR3: the user table (mm/pti.h)
PTI_USER_PCID_BIT = 11          # the user table's PCID: kern_pcid | 0x800 (mm/asid.h)
PAGE_OFFSET = 0xffff888000000000


def elf_symbol(name):
    out = subprocess.run(["nm", os.path.join(ROOT, "build", "carta.elf")],
                         capture_output=True, text=True, check=True).stdout
    return int(re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", out, re.M).group(1), 16)


def test_bochs_pti_pcid():
    """pti=on on a CPU with PCID and INVPCID: the debugger stops at the
    first user program's entry (ring 3: CR3 is the user table with the
    user PCID; the CPU translates the entry text and the program but not
    the direct map or the kernel's text) and at the first SYSRET exit
    whose CR3 operand asks to keep the user PCID's entries."""
    entry = user_entry()
    exit_writes = [(a, f"{r} >> 63") for a, r in cr3_writes("entry_SYSCALL_64.sysret_pti")]
    probes = (PAGE_OFFSET, elf_symbol("start_kernel"), elf_symbol("__entry_text_start"))
    flushing_exits = [(a, f"({r} >> 63) ^ 1") for func in ("restore_regs_and_iret.iret_pti",
                                                         "entry_SYSCALL_64.sysret_pti")
                      for a, r in cr3_writes(func)]
    vm = Bochs(cmdline="testmode pti=on",
               debugger=stop_at(entry, "creg", *(f"page {a:#x}" for a in (entry,) + probes)) +
               stop_at(exit_writes, "r", first=2) +
               stop_at(flushing_exits, "r", first=2 + len(exit_writes)))
    with vm:
        vm.wait_prompt(60)
        yield check_bochs_pti_pcid_enabled, vm
        yield check_bochs_pti_ring3_user_table_and_user_pcid, vm, entry, probes
        yield check_bochs_pti_exit_keeps_the_user_pcid, vm
        yield check_bochs_pti_new_asid_exit_flushes_the_user_pcid, vm, 2 + len(exit_writes)
        yield check_bochs_pti_forktest_pingpong_probe, vm
        yield check_bochs_pti_kernel_flush_reaches_other_asids, vm


def check_bochs_pti_pcid_enabled(vm):
    assert "Kernel/User page tables isolation: enabled" in vm.out, vm.out[-3000:]
    assert "x86/tlb: PCID enabled" in vm.out and "INVPCID used" in vm.out, vm.out[-3000:]
    assert "x86/tlb: pti=on: user tables run under PCID | 0x800" in vm.out, vm.out[-3000:]


def check_bochs_pti_ring3_user_table_and_user_pcid(vm, entry, probes):
    stop, out = bochs_stop_in_user(vm)
    assert "hello from pid" in out, out
    cr3 = stop["CR3"]
    assert stop["CR4"] & CR4_PCIDE and cr3 >> PTI_USER_PGTABLE_BIT & 1, hex(cr3)
    pcid = cr3 & 0xfff
    assert pcid >> PTI_USER_PCID_BIT & 1 and 1 <= pcid & 0x7ff <= nr_dyn_asids(), hex(cr3)
    direct_map, kernel_text, entry_text = probes
    pages = stop["pages"]
    assert entry in pages and entry_text & ~0xfff in pages, (stop, vm.debugger.out[-1500:])
    assert direct_map not in pages and kernel_text & ~0xfff not in pages, pages


def check_bochs_pti_exit_keeps_the_user_pcid(vm):
    """The operand of the exit's MOV to CR3: the user table (bit 12), the
    user PCID (bit 11, kern_pcid) and bit 63; the CPU checks its reserved
    bits as it loads it."""
    stop = vm.wait_stop(2, timeout=10)
    reg = re.fullmatch(r"mov cr3, (\w+)", stop["insn"]).group(1)
    value = stop["regs"][reg]
    assert value >> 63 and value >> PTI_USER_PGTABLE_BIT & 1 and value >> PTI_USER_PCID_BIT & 1, hex(value)
    assert 1 <= value & 0x7ff <= nr_dyn_asids(), hex(value)


def check_bochs_pti_new_asid_exit_flushes_the_user_pcid(vm, first):
    """The next process gets a fresh ASID, so its user PCID may hold a
    previous owner's entries: its first exit must write CR3 without bit 63
    (the flush invalidate_user_asid asked for, done by SWITCH_TO_USER_CR3)
    and clear the request."""
    start = len(vm.debugger.out)
    out = vm.command("run hello")
    assert "hello from pid" in out, out
    stop = vm.wait_stop(first, timeout=10, start=start)
    reg = re.fullmatch(r"mov cr3, (\w+)", stop["insn"]).group(1)
    value = stop["regs"][reg]
    assert not value >> 63 and value >> PTI_USER_PGTABLE_BIT & 1 and value >> PTI_USER_PCID_BIT & 1, hex(value)
    assert "pending 0x0" in vm.command("tlbstat")


def check_bochs_pti_kernel_flush_reaches_other_asids(vm):
    """With pti=on no kernel entry is global (CR4.PGE off), so INVLPG of a
    kernel page reaches the current PCID only: a kernel flush must make
    every other ASID flush at its next use (invalidate_other_asid). A
    one-page vfree inside an existing page table: no table is freed."""
    def others():
        return int(re.search(r"other asids invalidated (\d+) times", vm.command("tlbstat")).group(1))
    before = others()
    addr = vm.command("vmalloc 4K").split()[0]
    vm.command(f"vfree {addr}")
    assert others() > before, "a kernel flush under pti=on left the other ASIDs alone"


def check_bochs_pti_forktest_pingpong_probe(vm):
    out = vm.command("run forktest", timeout=60)
    assert "forktest: OK" in out, out
    before, after = pingpong(vm)
    assert after["no-flush"] - before["no-flush"] > 0.9 * pingpong_switches(), (before, after)
    n = probe_children()
    out = vm.command("run probe", timeout=120)
    assert f"probe: {n} of {n} children killed by a fault" in out, out
    stat = vm.command("tlbstat")
    m = re.search(r"user pcid invalidations (\d+)  invpcid (\d+)", stat)
    # every new ASID marked its user PCID; fork's write-protect of the
    # parent (loaded) dropped the user PCID's entries by INVPCID
    assert m and int(m.group(1)) > 0 and int(m.group(2)) > 0, stat
    chk = vm.command("checkpgd")
    assert "0 with a kernel half that differs" in chk and "0 whose" in chk, chk
    assert "Oops" not in vm.out, vm.out[-3000:]
