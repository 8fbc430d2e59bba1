"""`crash`: each deliberate fault prints Linux's oops with the access the
CPU reports, the table walk, a named backtrace, and (testmode) exits QEMU
with the panic code."""
import re

from qemu import Qemu, EXIT_PANIC


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
    for fn in ("cmd_crash+0x", "shell_exec+0x", "start_kernel+0x"):
        assert fn in trace, trace
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
