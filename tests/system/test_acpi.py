"""ACPI tables, the APICs, the HPET and the VGA console, each checked
against QEMU: the table headers in guest memory (read with the monitor's
`xp`), the machine type, the monitor's own APIC state and VGA memory."""
import re

from qemu import Qemu

# "FACP 0x000000000ffe198c length    116 OEM BOCHS  rev 1  checksum ok"
ACPI_ROW = re.compile(r"^(\S{4}) 0x([0-9a-f]{16}) length\s+(\d+) OEM (.{6}) rev (\d+)\s+"
                      r"(checksum ok|checksum BAD|rejected, not checked)$", re.M)


def xp_bytes(vm, phys, n):
    out = vm.hmp(f"xp /{n}bx {phys:#x}")
    vals = []
    for line in out.splitlines():
        if ":" in line:
            vals += [int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", line.split(":", 1)[1])]
    return bytes(vals[:n])


def acpi_tables(vm):
    out = vm.command("acpi")
    rows = ACPI_ROW.findall(out)
    assert rows, out
    for sig, phys, length, _, _, ok in rows:
        head = xp_bytes(vm, int(phys, 16), 8)
        assert head[:4].decode("latin-1") == sig, (sig, head)
        assert int.from_bytes(head[4:8], "little") == int(length), (sig, length)
        assert ok == "checksum ok", out
    # the list is exactly the RSDT's entries plus the RSDT and the DSDT,
    # read independently from guest memory
    rsdt = [int(p, 16) for s, p, *_ in rows if s == "RSDT"][0]
    rlen = int.from_bytes(xp_bytes(vm, rsdt + 4, 4), "little")
    body = xp_bytes(vm, rsdt + 36, rlen - 36)
    entries = {int.from_bytes(body[i:i + 4], "little") for i in range(0, len(body), 4)}
    listed = {int(p, 16) for s, p, *_ in rows if s not in ("RSDT", "DSDT")}
    assert listed == entries, (sorted(map(hex, listed)), sorted(map(hex, entries)))
    return {r[0] for r in rows}, out


def test_pc_boot():
    """One boot of the default (pc) machine: the tables, the devices they
    describe, the screen; none of the checks changes what the next sees
    (the VGA one reads the screen it scrolls itself)."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_pc_tables, vm
        yield check_lapic_and_ioapic_lines_match_qemu, vm
        yield check_hpet_identified, vm
        yield check_vga_mirrors_serial, vm


def check_pc_tables(vm):
    sigs, _ = acpi_tables(vm)
    assert {"FACP", "APIC", "HPET", "DSDT"} <= sigs, sigs
    assert "MCFG" not in sigs, sigs          # i440fx has no PCIe ECAM


def test_q35_has_mcfg():
    with Qemu(machine="q35") as vm:
        vm.wait_prompt()
        sigs, _ = acpi_tables(vm)
    assert {"FACP", "APIC", "HPET", "DSDT", "MCFG"} <= sigs, sigs


def check_lapic_and_ioapic_lines_match_qemu(vm):
    m = re.search(r"lapic: id (\d+), version 0x([0-9a-f]+), max LVT (\d+), at 0x(fee00000) "
                  r"mapped at 0x(ffffffffff7fd000) \(FIX_APIC_BASE\)", vm.out)
    assert m, vm.out
    assert re.search(r"IOAPIC\[0\]: apic_id \d+, version \d+, address 0xfec00000, GSI 0-23", vm.out)
    # QEMU's x86 APIC model reports version 0x14 with LVT entries 0..5
    # (hw/intc/apic.c), whatever the kernel believes
    assert (m.group(2), m.group(3)) == ("14", "5"), m.groups()
    regs = vm.hmp("info lapic")
    assert "LVT0" in regs, regs


def check_hpet_identified(vm):
    m = re.search(r"hpet: at MMIO 0xfed00000 \(ioremap 0x([0-9a-f]+)\), (\d+) comparators, "
                  r"64-bit, period (\d+) fs", vm.out)
    assert m, vm.out
    assert int(m.group(3)) == 10000000     # QEMU's HPET runs at 100 MHz
    tlb = vm.info_tlb()
    # the CPU's view: the ioremap page maps the HPET's MMIO uncached-minus
    # (PCD without PWT, PAT index 2), writable, not executable
    phys, flags = tlb[int(m.group(1), 16)]
    assert phys == 0xfed00000, hex(phys)
    assert "C" in flags and "T" not in flags and "W" in flags and "X" in flags, flags


# A line only bootinfo prints, for each boot path: GRUB passes a framebuffer
# tag (the VGA text screen itself); PVH passes none, and its loader line is its own.
BOOTINFO_LINE = {"grub": r"framebuffer: 0xb8000 80x25", "pvh": r"^bootloader:\s+PVH direct boot"}


def check_vga_mirrors_serial(vm):
    vm.command("bootinfo")
    vm.command("meminfo")           # bootinfo alone is taller than the screen
    screen = xp_bytes(vm, 0xb8000, 80 * 25 * 2)[0::2].decode("latin-1")
    rows = [screen[i:i + 80].rstrip() for i in range(0, 80 * 25, 80)]
    text = "\n".join(rows)
    assert "carta> meminfo" in text, text
    assert re.search(BOOTINFO_LINE[vm.boot], text, re.M), text
    assert re.search(r"^MemTotal:\s+\d+ kB", text, re.M), text


def test_acpi_poweroff_without_debug_exit_device():
    # No isa-debug-exit: poweroff must go through ACPI S5. Exit status 0 is
    # also what a triple fault gives with -no-reboot, so the proof is QEMU's
    # SHUTDOWN event and its reason: the guest asked to power off.
    with Qemu(debug_exit=False) as vm:
        vm.wait_prompt()
        vm.qmp_cmd("query-status")          # QMP connected before the shutdown
        vm.send("poweroff\r")
        assert vm.wait_exit(20) == 0, vm.out[-500:]
        events = [e for e in vm.drain_events() if e["event"] == "SHUTDOWN"]
    assert events and events[0]["data"]["reason"] == "guest-shutdown", events
    assert re.search(r"ACPI: entering S5: PM1a_CNT 0x604 <- 0x2\d{3}", vm.out), vm.out[-500:]


def test_bad_table_is_reported_and_skipped():
    """A table QEMU serves with a signature that is no ACPI name: one line
    naming it, listed as rejected, and the good tables still used."""
    import os
    import struct
    import tempfile
    hdr = b"\x01\x02\xff\x04" + struct.pack("<I", 40) + b"\x01\x00CARTA TESTTBL " + \
        struct.pack("<I", 1) + b"CRTA" + struct.pack("<I", 1)
    t = bytearray(hdr.ljust(40, b"\0"))
    t[9] = (-sum(t)) & 0xff
    fd, path = tempfile.mkstemp(suffix=".aml")
    os.write(fd, bytes(t))
    os.close(fd)
    try:
        with Qemu(extra=["-acpitable", f"file={path}"]) as vm:
            vm.wait_prompt()
            out = vm.command("acpi")
    finally:
        os.unlink(path)
    assert re.search(r'ACPI: table at 0x[0-9a-f]{16}: signature "\?\?\?\?" is not a valid one; ignored',
                     vm.out), vm.out
    assert re.search(r"^\?\?\?\? 0x[0-9a-f]{16} length +40 .* rejected, not checked$", out, re.M), out
    assert "lapic: id 0" in vm.out and "HPET at 0xfed00000" in out
