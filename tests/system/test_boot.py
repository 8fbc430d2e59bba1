"""Boot: the prompt, timestamps, the banner, the machine types, and the QEMU
monitor's view of the page tables (no identity map, the image at -2 GiB).
Most boot by PVH (scripts/qemu.py's default); what GRUB passes (bootinfo)
and the whole in-kernel suite booted by GRUB are checked through GRUB."""
import os
import re

from gen_initramfs import read_newc
from qemu import EXIT_SUCCESS, INITRAMFS, LOADER_NAME, Qemu

KERNEL_MAP = 0xffffffff80000000
LOAD_PHYS = 0x200000


def test_default_boot():
    """One boot the default way, read-only checks on it, then poweroff."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_reaches_prompt_with_timestamps, vm
        yield check_info_tlb_has_no_identity_map_and_kernel_high, vm
        yield check_initmem_freed_size_matches_elf, vm
        yield check_poweroff_exits_with_success_code, vm


def check_reaches_prompt_with_timestamps(vm):
    lines = [l for l in vm.out.splitlines() if l.startswith("[")]
    assert lines, vm.out
    for l in lines:
        assert re.match(r"\[ {0,4}\d+\.\d{6}\] ", l), l
    assert f"booted by {LOADER_NAME[vm.boot]}" in vm.out
    assert "x86/mm: Checked W+X mappings: passed, no W+X pages found." in vm.out
    stamps = [float(l[1:13]) for l in lines]
    assert stamps == sorted(stamps), "timestamps go backwards"


def check_info_tlb_has_no_identity_map_and_kernel_high(vm):
    tlb = vm.info_tlb()
    assert tlb, "info tlb returned nothing"
    low = [hex(v) for v in tlb if v < 0xffff800000000000]
    assert not low, f"user-half mappings left: {low[:5]}"
    phys, flags = tlb[KERNEL_MAP + LOAD_PHYS]
    assert phys == LOAD_PHYS, hex(phys)
    assert "U" not in flags.replace("-", ""), flags


def test_q35_machine_boots():
    with Qemu(machine="q35") as vm:
        vm.wait_prompt()
        assert "BIOS-e820" in vm.command("memmap")


def test_cpu_without_long_mode_prints_and_halts():
    """-cpu qemu32: the line on serial and on the VGA text screen (read back
    from physical memory through the monitor), and QEMU does not reset."""
    with Qemu(cpu="qemu32") as vm:
        vm.wait_for(r"Carta boot: this CPU lacks long mode", 20)
        vm.wait_halted()        # early_print32_and_halt: cli; hlt, for good
        assert vm.proc.poll() is None, f"QEMU exited ({vm.proc.returncode}): reset?"
        assert vm.qmp_cmd("query-status")["status"] == "running"
        dump = vm.hmp("xp /120bx 0xb8000")
        # "addr: 0x43 0x4f ..." lines; even bytes are characters, odd ones attributes
        text_bytes = []
        for line in dump.splitlines():
            if ":" in line:
                text_bytes += [int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", line.split(":", 1)[1])]
        screen = bytes(text_bytes[0::2]).decode("latin-1")
        assert screen.startswith("Carta boot: this CPU lacks long mode (x86-64)"), repr(screen)


def test_bootinfo_shows_what_grub_passed():
    with Qemu(boot="grub", cmdline="testmode loglevel=7 hello=world") as vm:
        vm.wait_prompt()
        out = vm.command("bootinfo")
        assert re.search(r"bootloader:\s+GRUB", out), out
        assert re.search(r"cmdline:\s+testmode loglevel=7 hello=world$", out, re.M), out
        assert "ACPI RSDP:   v" in out, out
        assert 'Unknown kernel command line parameters "hello=world"' in vm.out
    # one module: the initramfs, as big as the file mkiso.sh put on the ISO,
    # unpacked into as many files as the archive holds
    assert re.search(r"^modules:\s+1$", out, re.M), out
    m = re.search(r"^  \[mem 0x(\w+)-0x(\w+)\] initramfs$", out, re.M)
    assert m and int(m.group(2), 16) - int(m.group(1), 16) + 1 == os.path.getsize(INITRAMFS), out
    with open(INITRAMFS, "rb") as f:
        files = read_newc(f.read())
    assert re.search(r"Unpacked initramfs \(module 0 at 0x%s, \d+ bytes\): rootfs has %d files$"
                     % (m.group(1).lstrip("0"), len(files)), vm.out, re.M), vm.out[:3000]


def test_loglevel_hides_info_but_dmesg_keeps_it():
    with Qemu(cmdline="testmode loglevel=1") as vm:
        vm.wait_prompt()
        boot = vm.out
        assert "BIOS-e820" not in boot, boot
        out = vm.command("dmesg")
        assert "BIOS-e820: [mem 0x0000000000000000-" in out, out


def test_bad_loglevel_is_reported_and_ignored():
    with Qemu(cmdline="testmode loglevel=banana") as vm:
        vm.wait_prompt()
        assert "loglevel=banana: not a number in 0..8; keeping 7" in vm.out, vm.out
        assert "BIOS-e820" in vm.out


def test_initcall_debug_times_every_step_in_order():
    """initcall_debug: Linux's calling/returned pair for each step of
    start_kernel, named by kallsyms, KERN_DEBUG (seen with loglevel=8, and
    in dmesg without it); the steps before the command line was read are
    printed once it has been."""
    pair = re.compile(r"calling  (\w+)\+0x0/0x[0-9a-f]+ @ 0\n(?:.*\n)*?"
                      r".*initcall \1\+0x0/0x[0-9a-f]+ returned 0 after (\d+) usecs")
    with Qemu(cmdline="testmode initcall_debug loglevel=8") as vm:
        vm.wait_prompt()
        steps = [m.group(1) for m in pair.finditer(vm.out)]
        assert "Unknown kernel command line" not in vm.out, vm.out
    want = ["tsc_calibrate", "parse_early_params", "acpi_boot_init", "mem_init",
            "lapic_timer_init", "free_initmem"]
    assert [s for s in steps if s in want] == want, steps
    assert len(steps) == len(set(steps)), steps
    with Qemu(cmdline="testmode initcall_debug") as vm:
        vm.wait_prompt()
        assert "calling  " not in vm.out, vm.out
        assert re.search(r"initcall mem_init\+0x0/0x[0-9a-f]+ returned 0 after \d+ usecs",
                         vm.command("dmesg"))


def check_poweroff_exits_with_success_code(vm):
    vm.send("poweroff\r")
    assert vm.wait_exit(20) == 33


def test_reboot_resets_the_machine():
    # -no-reboot turns the reset into a QEMU exit with status 0; the line
    # shows it was the reboot command, not a crash, that reset it
    with Qemu() as vm:
        vm.wait_prompt()
        vm.send("reboot\r")
        assert vm.wait_exit(20) == 0
        assert "reboot: Restarting system" in vm.out


def check_initmem_freed_size_matches_elf(vm):
    import subprocess
    syms = subprocess.run(["nm", "build/carta.elf"], capture_output=True, text=True,
                          cwd=__file__.rsplit("/tests/", 1)[0]).stdout
    addr = {n: int(a, 16) for a, _, n in (l.split() for l in syms.splitlines() if len(l.split()) == 3)}
    size_k = (addr["__init_end"] - addr["__init_begin"]) // 1024
    assert f"Freeing unused kernel image (initmem) memory: {size_k}K" in vm.out, vm.out[-800:]
    # the freed range is gone from the CPU's view
    assert addr["__init_begin"] not in vm.info_tlb()


def test_in_kernel_selftests_pass_booted_by_grub():
    # the suite tests/run.py runs at boot by PVH (kernel.*), booted by GRUB
    with Qemu(boot="grub", cmdline="test") as vm:
        rc = vm.wait_exit(120)
        out = vm.out
    results = re.findall(r"^\s*(ok|not ok) \d+ ", out, re.M)
    assert "booted by GRUB" in out, out[:2000]
    assert rc == EXIT_SUCCESS and results and "not ok" not in results, out[-3000:]
