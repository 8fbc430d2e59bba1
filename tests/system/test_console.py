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
