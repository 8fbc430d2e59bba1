"""`memmap` against the RAM QEMU says it gave the guest (QMP
query-memory-size-summary), for several sizes and both machine types."""
import re

from qemu import Qemu

LINE = re.compile(r"^BIOS-e820: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$", re.M)
MiB = 1 << 20
GiB = 1 << 30
# What firmware keeps for itself out of the RAM QEMU gives: the 640K-1M hole
# (384 KiB) and SeaBIOS's tables at the top of low RAM (128-256 KiB here).
FIRMWARE_SLACK = 2 * MiB


def check(mem, machine="pc", boot=None):
    """memmap (and the boot log's copy) against QEMU's RAM size; the entries.
    boot: as Qemu's (None: the default path; test_pvh.py compares both)."""
    with Qemu(mem=mem, machine=machine, boot=boot) as vm:
        vm.wait_prompt()
        out = vm.command("memmap")
        ram = vm.qmp_cmd("query-memory-size-summary")["base-memory"]
    entries = [(int(a, 16), int(b, 16), t) for a, b, t in LINE.findall(out)]
    assert entries, out
    for start, end, _ in entries:
        assert end >= start, (hex(start), hex(end))
    usable = sum(e - s + 1 for s, e, t in entries if t == "usable")
    assert ram - FIRMWARE_SLACK <= usable <= ram, (usable, ram, out)
    # the memory map names the same entries at boot and on demand
    for line in out.strip().splitlines():
        assert line in vm.out.split("carta>")[0], line
    return entries, ram


def test_64M():
    check("64M")


def test_512M():
    check("512M")


def test_4G_has_ram_above_4G():
    entries, ram = check("4G")
    high = [(s, e) for s, e, t in entries if t == "usable" and s >= 4 * GiB]
    assert high, entries
    below = sum(min(e, 4 * GiB - 1) - s + 1 for s, e, t in entries if t == "usable" and s < 4 * GiB)
    above = sum(e - s + 1 for s, e in high)
    # QEMU splits RAM at its PCI hole: whatever is not below 4 GiB is above it
    assert ram - FIRMWARE_SLACK <= below + above <= ram
    assert above % MiB == 0 and above >= GiB // 2, hex(above)


def test_q35_2G():
    check("2G", machine="q35")
