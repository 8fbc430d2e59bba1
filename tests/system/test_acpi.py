"""ACPI tables, the APICs, the HPET and the VGA console, each checked
against QEMU: the table headers in guest memory (read with the monitor's
`xp`), the machine type, the monitor's own APIC state and VGA memory."""
import re

from qemu import Qemu

# "FACP 0x000000000ffe198c length    116 OEM BOCHS  rev 1  checksum ok"
ACPI_ROW = re.compile(r"^(\w{4}) 0x([0-9a-f]{16}) length\s+(\d+) OEM (.{6}) rev (\d+)\s+checksum (ok|BAD)",
                      re.M)


def xp_bytes(vm, phys, n):
    out = vm.hmp(f"xp /{n}bx {phys:#x}")
    vals = []
    for line in out.splitlines():
        if ":" in line:
            vals += [int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", line.split(":", 1)[1])]
    return bytes(vals[:n])


def acpi_tables(machine):
    with Qemu(machine=machine) as vm:
        vm.wait_prompt()
        out = vm.command("acpi")
        rows = ACPI_ROW.findall(out)
        assert rows, out
        for sig, phys, length, _, _, ok in rows:
            head = xp_bytes(vm, int(phys, 16), 8)
            assert head[:4].decode("latin-1") == sig, (sig, head)
            assert int.from_bytes(head[4:8], "little") == int(length), (sig, length)
            assert ok == "ok", out
        return {r[0] for r in rows}, out


def test_pc_tables():
    sigs, _ = acpi_tables("pc")
    assert {"FACP", "APIC", "HPET", "DSDT"} <= sigs, sigs
    assert "MCFG" not in sigs, sigs          # i440fx has no PCIe ECAM


def test_q35_has_mcfg():
    sigs, _ = acpi_tables("q35")
    assert {"FACP", "APIC", "HPET", "DSDT", "MCFG"} <= sigs, sigs


def test_lapic_and_ioapic_lines_match_qemu():
    with Qemu() as vm:
        vm.wait_prompt()
        m = re.search(r"lapic: id (\d+), version 0x([0-9a-f]+), max LVT (\d+), at 0x(fee00000) "
                      r"mapped at 0x(ffffffffff7fd000) \(FIX_APIC_BASE\)", vm.out)
        assert m, vm.out
        assert re.search(r"IOAPIC\[0\]: apic_id \d+, version \d+, address 0xfec00000, GSI 0-23", vm.out)
        # QEMU's x86 APIC model reports version 0x14 with LVT entries 0..5
        # (hw/intc/apic.c), whatever the kernel believes
        assert (m.group(2), m.group(3)) == ("14", "5"), m.groups()
        regs = vm.hmp("info lapic")
        assert "LVT0" in regs, regs


def test_hpet_identified():
    with Qemu() as vm:
        vm.wait_prompt()
        m = re.search(r"hpet: at MMIO 0xfed00000 \(FIX_HPET_BASE\), (\d+) comparators, 64-bit, "
                      r"period (\d+) fs", vm.out)
        assert m, vm.out
        assert int(m.group(2)) == 10000000     # QEMU's HPET runs at 100 MHz


def test_vga_mirrors_serial():
    with Qemu() as vm:
        vm.wait_prompt()
        vm.command("bootinfo")
        screen = xp_bytes(vm, 0xb8000, 80 * 25 * 2)[0::2].decode("latin-1")
    rows = [screen[i:i + 80].rstrip() for i in range(0, 80 * 25, 80)]
    text = "\n".join(rows)
    assert "carta> bootinfo" in text, text
    assert re.search(r"bootloader:\s+GRUB", text), text


def test_acpi_poweroff_without_debug_exit_device():
    # No isa-debug-exit: poweroff must go through ACPI S5, and QEMU exits 0
    with Qemu(debug_exit=False) as vm:
        vm.wait_prompt()
        vm.send("poweroff\r")
        assert vm.wait_exit(20) == 0, vm.out[-500:]
        assert "reboot: Power down" in vm.out
