"""The serial console under pressure (docs/console.md): type-ahead that
overflows the receive ring, Ctrl-C typed in the same burst as the line it
should interrupt, and the line editor's corner cases (an escape sequence
cut short by Enter, backspacing out of an over-long line)."""
import re
import time

from qemu import Qemu

KILLED = r"spin\[(\d+)\]: killed by signal 9 \(SIGKILL\)"


def test_type_ahead_overflow_keeps_ctrl_c():
    with Qemu() as vm:
        vm.wait_prompt()
        start = len(vm.out)
        vm.send("run spin\r")
        vm.wait_for(r"run spin\n", 10, start)
        time.sleep(0.3)     # spin is the foreground job; the shell waits for it
        for _ in range(11):             # 1,100 characters, no Enter
            vm.send("x" * 100)
        vm.send("\x03")
        vm.wait_for(KILLED, 10, start)
        vm.wait_for(r"^carta> ", 10, start)
        after = len(vm.out)
        assert "list the commands" in vm.command("help")
        dmesg = vm.command("dmesg")
    # Ctrl-C flushed the type-ahead: the x's never became a command line
    assert "line too long" not in vm.out[after:], vm.out[after:]
    # the 1 KiB ring took 1,024 of the 1,100; the report counts the rest
    m = re.search(r"ttyS0: receive ring full, (\d+) input bytes dropped", dmesg)
    assert m and m.group(1) == "76", dmesg


def test_ctrl_c_in_the_same_burst_as_the_line():
    with Qemu() as vm:
        vm.wait_prompt()
        for i in range(5):
            start = len(vm.out)
            # one write, or two a moment apart: either way before `run` has a child
            vm.send("run spin\r\x03" if i % 2 == 0 else "run spin\r")
            if i % 2:
                vm.send("\x03")
            vm.wait_for(KILLED, 10, start)
            vm.wait_for(r"^carta> ", 10, start)
        # what is typed after the Ctrl-C survives it; what came before is flushed
        start = len(vm.out)
        vm.send("run spin\rhelp\r\x03cpuinfo\r")
        vm.wait_for(KILLED, 10, start)
        vm.wait_for(r"^flags\t\t: ", 10, start)
        vm.wait_for(r"^carta> ", 10, vm.wait_for(r"^flags", 10, start).end())
        assert "list the commands" not in vm.out[start:], vm.out[start:]
        # a Ctrl-C that reaches no program is forgotten at the prompt
        vm.send("help\r\x03")
        vm.wait_for(r"list the commands", 10, start)
        out = vm.command("run hello")
        assert "killed" not in out, out
        assert not re.search(r"^\s*\d+\s+1 . spin", vm.command("ps"), re.M)


def test_line_editor():
    """The line editor's corner cases, on one boot: each ends at a clean
    prompt with nothing left over, as the next one checks."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_escape_sequence_cut_short_by_enter, vm
        yield check_backspace_out_of_an_overlong_line, vm


def check_escape_sequence_cut_short_by_enter(vm):
    # ESC [ then Enter: the Enter ends the sequence and runs the line
    assert "list the commands" in vm.command("help\x1b[", timeout=5)
    # ESC O then Enter, and ESC [ 1 ; then Enter: the same
    assert "list the commands" in vm.command("help\x1bO", timeout=5)
    assert "list the commands" in vm.command("help\x1b[1;", timeout=5)
    # nothing is left of the sequence to eat the next line's first letter
    assert "BIOS-e820" in vm.command("memmap", timeout=5)
    # a Tab inside a sequence is a separator, as anywhere else
    assert vm.command("crash\x1b[\tsideways", timeout=5).strip().startswith("usage: crash")


def check_backspace_out_of_an_overlong_line(vm):
    start = len(vm.out)
    out = vm.command("help" + "x" * 300 + "\x7f" * 300)
    assert "list the commands" in out, out
    # the echo showed every character typed and erased each one
    echo = vm.out[start:].split("\n", 1)[0]
    assert echo == "help" + "x" * 300 + "\b \b" * 300, repr(echo[:80])
    # still too long after some backspaces: refused whole
    out = vm.command("help" + "x" * 300 + "\x7f" * 40)
    assert "line too long (max 255 characters), ignored" in out, out
    # exactly 255 characters fit; 256 do not
    assert "list the commands" in vm.command("help" + " " * 251)
    assert "line too long" in vm.command("help" + " " * 252)
    assert "list the commands" in vm.command("help" + " " * 252 + "\x7f")
