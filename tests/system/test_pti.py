"""Page-table isolation (pti=on, docs/address-spaces.md section 2).

Oracles: the CPU's own view, read by QEMU while the guest runs a user
program in ring 3 (`info registers`: CPL and CR3; `info tlb`: every page
the current CR3 translates), against the kernel's symbol table (nm); the
CPU's faults (probe); meminfo's page counts (leaks); and the user tests
and the in-kernel suite, run again with pti=on."""
import importlib.util
import os
import re
import subprocess
import time

import qemu
from qemu import Qemu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL_HALF = 0xffff800000000000
PTI_USER_BIT = 1 << 12          # CR3 bit 12: the user table (mm/pti.h)

X86_CR4_PGE = 1 << 7               # SDM Vol. 3A 2.5


def symbols():
    out = subprocess.run(["nm", "-S", os.path.join(ROOT, "build", "carta.elf")],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3:
            syms[f[-1]] = (int(f[0], 16), int(f[1], 16) if len(f) == 4 else 0)
    return syms


CPU_ENTRY_AREA_BASE = 0xfffffe0000000000   # Linux's, mm/memlayout.h


def entry_pages():
    """The pages PTI's user table may map in the kernel half, from the ELF:
    the entry text, and the data pages: the entry code's page at its image
    address and the cpu_entry_area's pages at CPU_ENTRY_AREA_BASE."""
    s = symbols()
    start, end = s["__entry_text_start"][0], s["__entry_text_end"][0]
    data, data_size = s["cpu_entry_data"]
    cea_size = s["cpu_entry_area_storage"][1]
    return (set(range(start, end, 4096)),
            set(range(data, data + data_size, 4096)) |
            set(range(CPU_ENTRY_AREA_BASE, CPU_ENTRY_AREA_BASE + cea_size, 4096)))


def stop_in_ring3(vm, tries=200):
    """Stops the VM (QMP stop) at a moment it runs in ring 3: `info
    registers` says CPL=3. Returns CR3; the VM stays stopped."""
    for _ in range(tries):
        vm.qmp_cmd("stop")
        regs = vm.hmp("info registers")
        if re.search(r"\bCPL=3\b", regs):
            return int(re.search(r"CR3=([0-9a-f]+)", regs).group(1), 16)
        vm.qmp_cmd("cont")
        time.sleep(0.01)
    raise AssertionError("never caught the guest in ring 3:\n" + regs)


def spin_and_read_tlb(cmdline, cpu):
    with Qemu(cmdline=cmdline, cpu=cpu) as vm:
        vm.wait_prompt()
        pid = re.search(r"\[(\d+)\] spin", vm.command("run spin &")).group(1)
        cr3 = stop_in_ring3(vm)
        tlb = vm.info_tlb()
        vm.qmp_cmd("cont")
        vm.command(f"kill {pid}")
        after = vm.command("run hello")
        boot = vm.out
    assert "hello from pid" in after, after
    want = "enabled" if "pti=on" in cmdline else "disabled"
    assert f"Kernel/User page tables isolation: {want}" in boot, boot[:3000]
    return cr3, tlb


def check_user_table_in_ring3(cpu):
    text, cea = entry_pages()
    cr3, tlb = spin_and_read_tlb("testmode pti=on", cpu)
    assert cr3 & PTI_USER_BIT, f"CR3 {cr3:#x} in ring 3 has no bit 12: the kernel table"
    kernel = {va: fl for va, (_, fl) in tlb.items() if va >= KERNEL_HALF}
    user = [va for va in tlb if va < KERNEL_HALF]
    # the kernel half holds the entry text and the entry area, all of them, and nothing else
    assert set(kernel) == text | cea, (
        "extra: " + str([hex(v) for v in sorted(set(kernel) - text - cea)][:8]) +
        " missing: " + str([hex(v) for v in sorted((text | cea) - set(kernel))][:8]))
    assert all("U" not in fl and "G" not in fl for fl in kernel.values()), kernel
    assert all("X" not in kernel[va] and "W" not in kernel[va] for va in text), \
        {hex(va): kernel[va] for va in text}
    assert all("X" in kernel[va] and "W" in kernel[va] for va in cea), \
        {hex(va): kernel[va] for va in cea}
    assert 0x400000 in user, sorted(user)[:8]          # spin's own text


def test_pti_user_table_in_ring3_maps_only_entry_cpu_max():
    check_user_table_in_ring3("max")


def test_pti_user_table_in_ring3_maps_only_entry_cpu_qemu64():
    check_user_table_in_ring3("qemu64")


def test_pti_off_ring3_sees_the_whole_kernel_half():
    """The contrast, and that the default is off: in ring 3 CR3 is the one
    table (bit 12 is then just an address bit), whose kernel half maps the
    whole kernel."""
    text, cea = entry_pages()
    cr3, tlb = spin_and_read_tlb("testmode", "max")
    kernel = [va for va in tlb if va >= KERNEL_HALF]
    assert len(kernel) > 10 * len(text | cea), len(kernel)


def load_test_user():
    """A private copy of test_user (run.py loads its own), whose Qemu boots
    with pti=on added to the command line."""
    spec = importlib.util.spec_from_file_location(
        "test_user_pti", os.path.join(ROOT, "tests", "system", "test_user.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    class PtiQemu(Qemu):
        def __init__(self, cmdline="testmode", **kw):
            super().__init__(cmdline=cmdline + " pti=on", **kw)
            booted.append(self)
    booted = []
    mod.Qemu = PtiQemu
    return mod, booted


def test_pti_on_user_tests():
    """Every test of test_user.py again, each boot with pti=on; each
    check is reported as user_<its name>. Each boot must say PTI is on."""
    mod, booted = load_test_user()
    for name in sorted(n for n in dir(mod) if n.startswith("test_")):
        fn = getattr(mod, name)
        if hasattr(fn, "__code__") and fn.__code__.co_flags & 0x20:      # a generator
            for check, *args in fn():
                yield wrap(check, check.__name__.removeprefix("check_"), booted), *args
        else:
            yield wrap(fn, name[5:], booted),


def wrap(fn, name, booted):
    def check(*args):
        n = len(booted)
        fn(*args)
        assert all("Kernel/User page tables isolation: enabled" in vm.out
                   for vm in booted[n - 1 if args else n:]), "a boot without PTI"
    check.__name__ = "check_user_" + name
    return check


def test_pti_on_kernel_selftests():
    """The in-kernel suite (`test`) with pti=on: every case ok."""
    with Qemu(cmdline="test pti=on") as vm:
        rc = vm.wait_exit(180)
        out = vm.out
    assert "Kernel/User page tables isolation: enabled" in out, out[:3000]
    assert rc == qemu.EXIT_SUCCESS and "not ok" not in out, (rc, out[-3000:])
    assert re.search(r"^ok \d+ ", out, re.M), out[-3000:]


def full_flushes(vm):
    return int(re.search(r"full flushes (\d+)", vm.command("tlbstat")).group(1))


def test_pti_checkpgd_ptdump_and_bad_option():
    """checkpgd with live processes checks both tables of each; ptdump
    user PID shows the user table's kernel half; a full TLB flush (vfree
    of 1 MiB, past the single-page ceiling) leaves CR4.PGE off, as QEMU
    reads it: a global kernel entry would outlive the switch to the user
    table; pti=maybe gets one line and leaves PTI off."""
    text, cea = entry_pages()
    with Qemu(cmdline="testmode pti=on") as vm:
        vm.wait_prompt()
        pid = re.search(r"\[(\d+)\] spin", vm.command("run spin &")).group(1)
        chk = vm.command("checkpgd")
        dump = vm.command(f"ptdump user {pid}")
        vm.command(f"kill {pid}")
        full = full_flushes(vm)
        addr = vm.command("vmalloc 1M").split()[0]
        vm.command(f"vfree {addr}")
        assert full_flushes(vm) > full, "vfree of 1 MiB did no full flush"
        regs = vm.hmp("info registers")
        cr4 = int(re.search(r"CR4=([0-9a-f]+)", regs).group(1), 16)
        assert not cr4 & X86_CR4_PGE, f"CR4 {cr4:#x}: PGE back on after a full flush"
        # the CPU's GDT, TSS and IDT are the entry area's, at Linux's address
        for reg in ("GDT", "IDT", "TR"):
            base = int(re.search(rf"^{reg}\s*=(?:[0-9a-f]{{4}} )?\s*([0-9a-f]{{16}})", regs, re.M).group(1), 16)
            assert base & ~0xfff in cea, f"{reg} base {base:#x} outside the entry area:\n{regs}"
    assert "checkpgd: 1 PGDs besides the kernel's, 0 with a kernel half that differs" in chk, chk
    assert "checkpgd: 1 PTI user tables, 0 whose" in chk, chk
    user_half = dump.split("---[ PTI user table")[1]
    ranges = [(int(a, 16), int(b, 16)) for a, b in
              re.findall(r"^0x([0-9a-f]{16})-0x([0-9a-f]{16}) +\S+ +(?:ro|RW) ", user_half, re.M)]
    assert ranges and all(b - a < 1 << 20 for a, b in ranges), ranges
    mapped = set()
    for a, b in ranges:
        mapped |= set(range(a, b, 4096))
    assert mapped == text | cea, (user_half, sorted(hex(v) for v in mapped ^ (text | cea))[:8])
    with Qemu(cmdline="testmode pti=maybe") as vm:
        vm.wait_prompt()
        out = vm.out
    assert "pti=maybe: not on or off; PTI stays off" in out, out[-2000:]
    assert "Kernel/User page tables isolation: disabled" in out, out[-2000:]


def test_pti_nmi_from_ring3_switches_and_kills_only_the_process():
    """An NMI injected (QMP inject-nmi) while the guest is in ring 3 under
    the user table: the CPU enters on the NMI's IST stack in the entry
    area, the entry switches CR3, and the process gets the trap (Carta
    kills it) with a user RIP; under the user table alone the handler
    would fault on the kernel and the machine would reset."""
    with Qemu(cmdline="testmode pti=on") as vm:
        vm.wait_prompt()
        pid = re.search(r"\[(\d+)\] spin", vm.command("run spin &")).group(1)
        cr3 = stop_in_ring3(vm)
        vm.qmp_cmd("inject-nmi")
        vm.qmp_cmd("cont")
        m = vm.wait_for(r"traps: spin\[%s\] trap nmi ip:([0-9a-f]+) " % pid, 20)
        after = vm.command("run hello")
    assert cr3 & PTI_USER_BIT, hex(cr3)
    assert int(m.group(1), 16) < KERNEL_HALF, m.group(0)
    assert "hello from pid" in after, after


def test_oops_line_says_pti_when_on():
    """Linux's oops line ends PTI or NOPTI (whether page-table isolation is
    on): with pti=on an oops says PTI, and the task dies as usual."""
    with Qemu(cmdline="pti=on") as vm:
        vm.wait_prompt()
        start = len(vm.out)
        vm.send("crash null\r")
        vm.wait_for(r"Oops: [0-9a-f]{4} \[#1\] PTI$", 20, start)
        vm.wait_for(r"killed by oops; starting shell", 20, start)


def test_pti_nmi_in_the_exit_window_under_the_user_table_is_handled():
    """An NMI between SWITCH_TO_USER_CR3 and SYSRET: ring 0, but CR3 is
    already the user table. gdb stops the kernel there (hbreak), QEMU
    injects the NMI, and the entry must switch to the kernel table itself
    (it cannot tell from CS): Carta then dies with an NMI oops, the
    machine's own fault report, instead of faulting on the unmapped
    kernel into a triple fault and a reset."""
    import threading
    from gdb_session import Gdb, free_port, gdb_stub_args
    addr = symbols()["entry_SYSCALL_64.sysret_user_table"][0]
    port = free_port()
    with Qemu(cmdline="testmode pti=on", extra=gdb_stub_args(port)) as vm, Gdb(port) as gdb:
        gdb.cmd(f"hbreak *{addr:#x}")
        result = {}
        runner = threading.Thread(target=lambda: result.update(out=gdb.cmd("continue")))
        runner.start()
        vm.wait_prompt(60)
        vm.send("run hello\r")
        runner.join(60)
        assert f"{addr:#x}"[2:] in result.get("out", ""), result
        regs = vm.hmp("info registers")
        cr3 = int(re.search(r"CR3=([0-9a-f]+)", regs).group(1), 16)
        assert re.search(r"\bCPL=0\b", regs) and cr3 & PTI_USER_BIT, regs
        gdb.cmd("delete")
        vm.qmp_cmd("inject-nmi")
        gdb.cmd("detach")
        vm.wait_for(r"nmi: 0000 \[#1\] PTI", 20)
        rip = vm.wait_for(r"RIP: 0008:(\S+)\n", 20).group(1)   # the whole line: it may come in pieces
        oops_cr3 = int(vm.wait_for(r"CR3: ([0-9a-f]{16})", 20).group(1), 16)
        vm.wait_for(r"Kernel panic - not syncing", 20)
        out = vm.out
    assert rip.startswith("entry_SYSCALL_64.sysret_user_table+0x0/"), rip
    assert not oops_cr3 & PTI_USER_BIT, f"the handler ran under CR3 {oops_cr3:#x}"
    assert out.count("Linux version") <= 1 and out.count("carta> run hello") == 1, "rebooted"
