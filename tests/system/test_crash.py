"""`crash`: each deliberate fault prints Linux's oops with the access the
CPU reports, the table walk, a named backtrace, and (testmode) exits QEMU
with the panic code."""
import re

from qemu import Qemu, EXIT_PANIC, PROMPT


def crash(kind):
    with Qemu() as vm:
        vm.wait_prompt()
        vm.send(f"crash {kind}\r")
        rc = vm.wait_exit(20)
        return rc, vm.out


def common(out):
    assert re.search(r"^\[ *[\d.]+\] Oops: [0-9a-f]{4} \[#1\]", out, re.M), out
    assert "Call Trace:" in out
    trace = out[out.index("Call Trace:"):]
    # the shell runs as task 1 on its own (vmalloc'd) stack
    for fn in ("cmd_crash+0x", "shell_exec+0x", "shell_run+0x", "start_first_task+0x"):
        assert fn in trace, trace
    assert "CPU: 0 PID: 1 Comm: shell" in out, out
    assert "Kernel panic - not syncing: Fatal exception" in out


def test_null_read():
    rc, out = crash("null")
    assert rc == EXIT_PANIC, rc
    assert "BUG: kernel NULL pointer dereference, address: 0000000000000000" in out, out
    assert "#PF: supervisor read access in kernel mode" in out
    assert "#PF: error_code(0x0000) - not-present page" in out
    assert re.search(r"PGD 0 P4D 0 *$", out, re.M), out    # slot 0: identity map gone
    assert re.search(r"RIP: 0008:crash_null\+0x", out), out
    assert re.search(r"CR2: 0000000000000000", out)


def test_unmapped_write():
    rc, out = crash("pf")
    assert rc == EXIT_PANIC, rc
    assert "BUG: unable to handle page fault for address: ffffc88000000000" in out, out
    assert "#PF: supervisor write access in kernel mode" in out
    assert "#PF: error_code(0x0002) - not-present page" in out
    assert re.search(r"RIP: 0008:crash_pf\+0x", out), out
    assert "CR2: ffffc88000000000" in out


def test_write_to_rodata():
    rc, out = crash("wp")
    assert rc == EXIT_PANIC, rc
    m = re.search(r"crash: writing to read-only data at 0x([0-9a-f]+)", out)
    assert m, out
    assert f"BUG: unable to handle page fault for address: {m.group(1)}" in out, out
    assert "#PF: supervisor write access in kernel mode" in out
    assert "#PF: error_code(0x0003) - permissions violation" in out
    pte = re.search(r"PTE ([0-9a-f]+)", out).group(1)
    assert int(pte, 16) & 2 == 0, pte        # the walk shows RW clear
    assert re.search(r"RIP: 0008:crash_wp\+0x", out), out


def test_execute_data():
    rc, out = crash("nx")
    assert rc == EXIT_PANIC, rc
    assert "kernel tried to execute NX-protected page - exploit attempt? (uid: 0)" in out, out
    assert "#PF: supervisor instruction fetch in kernel mode" in out
    assert "#PF: error_code(0x0011) - permissions violation" in out
    pte = re.search(r"PTE ([0-9a-f]+)", out).group(1)
    assert int(pte, 16) >> 63 == 1, pte        # NX set in the walk
    common(out)


def test_stack_overflow_hits_guard_page():
    # The shell's stack is in the vmalloc range with an unmapped page below
    # it (the QEMU monitor must agree before the crash); overflowing it is
    # reported by the double-fault handler, naming the task and that page.
    with Qemu() as vm:
        vm.wait_prompt()
        m = re.search(r"shell\[1\]: kernel stack 0x([0-9a-f]+)-0x([0-9a-f]+), guard page 0x([0-9a-f]+)",
                      vm.out)
        assert m, vm.out
        lo, hi, guard = (int(x, 16) for x in m.groups())
        tlb = vm.info_tlb()
        vm.send("crash stack\r")
        rc = vm.wait_exit(20)
        out = vm.out
    assert 0xffffc90000000000 <= guard and hi <= 0xffffe8ffffffffff, m.group(0)
    assert guard == lo - 4096 and hi - lo + 1 == 16384, m.group(0)
    assert guard not in tlb and lo + 16384 not in tlb, "guard pages mapped"
    assert all(lo + off in tlb and "W" in tlb[lo + off][1] and "X" in tlb[lo + off][1]
               for off in range(0, 16384, 4096)), "stack pages not mapped RW+NX"
    assert rc == EXIT_PANIC, rc
    m = re.search(r"BUG: stack guard page was hit at 0x([0-9a-f]+) \(stack is 0x([0-9a-f]+)\.\.", out)
    assert m, out
    assert guard <= int(m.group(1), 16) < lo and int(m.group(2), 16) == lo, (m.group(0), hex(lo))
    assert "kernel stack overflow (double-fault)" in out
    assert f"task: shell[1], guard page 0x{guard:x}-0x{guard + 4095:x}" in out, out
    assert re.search(r"RIP: 0008:crash_recurse\+0x", out), out
    assert "crash_recurse+0x" in out[out.index("Call Trace:"):]


# Without testmode an oops kills the task that caused it and the kernel
# carries on (Linux's oops_end/make_task_dead). The shell is a kernel
# thread: it cannot go back to where it faulted, so a new one starts.
NEW_SHELL = r"note: shell\[(\d+)\] killed by oops; starting shell\[(\d+)\]"


def meminfo(vm):
    out = vm.command("meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", out, re.M)}


def oops_then_prompt(vm, kind, n, pid):
    """Types `crash kind` into shell[pid]; checks oops [#n] and the new
    shell's line and prompt; returns the new shell's pid."""
    start = len(vm.out)
    vm.send(f"crash {kind}\r")
    vm.wait_for(r"(Oops|general protection fault|invalid opcode): [0-9a-f]{4} \[#%d\] NOPTI" % n,
                20, start)
    m = vm.wait_for(NEW_SHELL, 20, start)
    vm.wait_for(r"^" + re.escape(PROMPT), 20, m.end())
    out = vm.out[start:]
    assert f"CPU: 0 PID: {pid} Comm: shell" in out, out
    assert "---[ end trace 0000000000000000 ]---" in out, out
    assert "Kernel panic" not in out, out
    assert int(m.group(1)) == pid and int(m.group(2)) > pid, m.group(0)
    return int(m.group(2))


def test_oops_kills_the_shell_and_a_new_shell_answers():
    with Qemu(cmdline="") as vm:
        vm.wait_prompt()
        new = oops_then_prompt(vm, "pf", 1, 1)
        help_out = vm.command("help")
        ps = vm.command("ps")
    assert "crash null|pf|wp|alias|nx|stack" in help_out, help_out
    assert re.search(r"^ +%d +0 R shell " % new, ps, re.M), ps
    assert not re.search(r"^ +1 ", ps, re.M), ps         # the old shell is gone


def test_oops_again_and_again_adopts_orphans_and_leaks_nothing():
    with Qemu(cmdline="") as vm:
        vm.wait_prompt()
        spin = int(re.search(r"\[(\d+)\] spin", vm.command("run spin &")).group(1))
        shell = oops_then_prompt(vm, "pf", 1, 1)
        # the dead shell's child now belongs to the new shell, which reaps it
        ps = vm.command("ps")
        assert re.search(r"^ +%d +%d R spin " % (spin, shell), ps, re.M), ps
        vm.command(f"kill {spin}")
        for _ in range(100):    # it dies at its next tick; a prompt reports it
            if re.search(r"\[%d\] done, status 0x9" % spin, vm.command("")):
                break
        else:
            raise AssertionError(f"spin[{spin}] not reaped: {vm.out[-1000:]}")
        before, areas = meminfo(vm), vm.command("vmallocinfo").count("alloc_task")
        for n, kind in enumerate(("null", "wp", "nx", "gp", "bug", "pf"), start=2):
            shell = oops_then_prompt(vm, kind, n, shell)
        after, vmi = meminfo(vm), vm.command("vmallocinfo")
        ps = vm.command("ps")
        hello = vm.command("run hello")
    assert areas == 1, areas                            # the shell's stack only
    assert vmi.count("alloc_task") == 1, vmi           # every dead stack freed
    assert (after["MemFree"], after["Slab"]) == (before["MemFree"], before["Slab"]), \
        (before, after)
    assert re.findall(r"^ +(\d+) +\d+ \w ", ps, re.M) == [str(shell)], ps
    assert "hello from pid" in hello, hello


def test_panic_on_oops_halts():
    with Qemu(cmdline="panic_on_oops") as vm:
        vm.wait_prompt()
        start = len(vm.out)
        vm.send("crash pf\r")
        vm.wait_for(r"Kernel panic - not syncing: Fatal exception$", 20, start)
        vm.wait_halted()        # stopped for good: no interrupt can wake it
        vm.send("help\r")
        vm.wait_halted()        # and the line typed (IRQ 4, masked) did not
        out, running = vm.out, vm.proc.poll() is None
    assert "Unknown kernel command line parameters" not in out, out
    assert PROMPT not in out[start:], out[start:]      # halted: no new shell
    assert "Machine halted. In QEMU: Ctrl-A X quits" in out[start:], out[start:]
    assert running, "QEMU exited: a halt without testmode must not"


def test_stack_overflow_panics_in_interrupt_context():
    # The #DF runs on its IST stack, as Linux's does in NMI context: an oops
    # there cannot kill one task, so it panics even without testmode.
    with Qemu(cmdline="") as vm:
        vm.wait_prompt()
        start = len(vm.out)
        vm.send("crash stack\r")
        vm.wait_for(r"Kernel panic - not syncing: Fatal exception in interrupt$", 20, start)
        vm.wait_halted()        # stopped for good: no interrupt can wake it
        out, running = vm.out[start:], vm.proc.poll() is None
    assert "kernel stack overflow (double-fault)" in out, out
    assert PROMPT not in out, out
    assert running, "QEMU exited (a triple fault resets, and -no-reboot exits)"
