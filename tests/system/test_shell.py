"""The shell against bad input: unknown commands, bad arguments, a long
line, binary garbage and a burst; the shell must answer normally after."""
import random

from qemu import Qemu


def test_commands_and_line_editing():
    """The commands and the line editor on one boot: each check types its
    lines and reads the answers, and leaves a clean prompt behind."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_unknown_command_and_usage, vm
        yield check_help_lists_every_command_that_runs, vm
        yield check_escape_sequences_and_tab, vm
        yield check_long_line_is_refused_whole, vm
        yield check_backspace_edits_the_line, vm


def check_unknown_command_and_usage(vm):
    assert vm.command("frobnicate now").strip() == "unknown command: frobnicate (try help)"
    assert vm.command("memmap extra").strip() == "usage: memmap"
    assert vm.command("crash").strip() == "usage: crash null|pf|wp|alias|nx|stack|gp|bug"
    assert vm.command("crash sideways").strip() == "usage: crash null|pf|wp|alias|nx|stack|gp|bug"
    assert vm.command("poweroff now").strip() == "usage: poweroff"
    assert vm.command("   ").strip() == ""


def check_help_lists_every_command_that_runs(vm):
    out = vm.command("help")
    topics, names = [], []
    for line in out.strip().splitlines():
        if line.endswith(":") and not line.startswith(" "):
            topics.append((line[:-1], []))
        elif line.startswith("  "):
            topics[-1][1].append(line.split()[0])
            names.append(line.split()[0])
    assert [t for t, _ in topics] == ["Boot and CPU", "Physical memory", "Page tables",
                                      "vmalloc and ioremap", "Processes", "Debugging"], out
    for topic, cmds in topics:
        assert cmds and cmds == sorted(cmds), (topic, cmds)
    assert len(names) == len(set(names)), names
    for must in ("help", "bootinfo", "memmap", "cpuinfo", "crash", "poweroff",
                 "reboot", "selftest", "dmesg"):
        assert must in names, out
    # every listed command exists; `help CMD` gives its usage line
    for name in names:
        usage = vm.command(f"help {name}").splitlines()
        assert usage and usage[0].startswith(f"usage: {name}"), (name, usage)
    for name in ("bootinfo", "memmap", "cpuinfo", "dmesg"):
        assert "unknown command" not in vm.command(name)
    assert vm.command("help nosuch").strip() == "help: no command nosuch"
    assert vm.command("help a b").strip() == "usage: help [CMD]"


def check_escape_sequences_and_tab(vm):
    # Left/Right arrows, Delete (ESC [ 3 ~) and F1 (ESC O P) edit nothing and
    # leave no residue (Up and Down recall history: test_mm_demos.py)
    out = vm.command("mem\x1b[C\x1b[D\x1b[3~\x1bOPmap")
    assert "BIOS-e820" in out, out
    # ESC then Enter: the Enter still runs the line
    out = vm.command("memmap\x1b")
    assert "BIOS-e820" in out, out
    # Tab separates arguments like a space
    assert vm.command("crash\tsideways").strip().startswith("usage: crash")
    # a prompt string inside the typed line does not confuse the harness
    assert vm.command("echo carta> hi").strip() == "unknown command: echo (try help)"


def check_long_line_is_refused_whole(vm):
    out = vm.command("memmap" + "x" * 600)
    assert "line too long (max 255 characters), ignored" in out, out
    assert "BIOS-e820" in vm.command("memmap")


def check_backspace_edits_the_line(vm):
    out = vm.command("memmaq\x7fp")
    assert "BIOS-e820" in out, out
    out = vm.command("help\x08\x08\x08\x08memmap")
    assert "BIOS-e820" in out, out


def test_binary_garbage_and_burst_leave_shell_alive():
    rng = random.Random(1234)
    with Qemu() as vm:
        vm.wait_prompt()
        garbage = bytes(rng.randrange(256) for _ in range(4000))
        # no CR/LF/ESC so the garbage stays one (over-long, refused) line
        garbage = bytes(b for b in garbage if b not in (10, 13, 27))
        vm.send(garbage)
        vm.send(b"\x03")                       # Ctrl-C drops the line
        start = len(vm.out)
        vm.send(("help\r" * 200).encode())     # a burst: more than the input ring holds
        vm.send("cpuinfo\r")
        vm.wait_for(r"^flags\t\t: .*\n", timeout=90, start=start)
        # backpressure, not loss: every one of the 200 commands ran
        assert vm.out.count("list the commands", start) == 200
        assert vm.proc.poll() is None
        vm.send("poweroff\r")
        assert vm.wait_exit(20) == 33
