"""Physical memory after memblock: the buddy allocator and the resource
tree, checked against the firmware map QEMU gives and QEMU's RTC."""
import calendar
import re

from qemu import Qemu

E820 = re.compile(r"^BIOS-e820: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$", re.M)
IOMEM = re.compile(r"^( *)([0-9a-f]{8,})-([0-9a-f]{8,}) : (.+)$", re.M)


def usable_ranges(memmap):
    return [(int(a, 16), int(b, 16)) for a, b, t in E820.findall(memmap) if t == "usable"]


def check_iomem(mem):
    with Qemu(mem=mem) as vm:
        vm.wait_prompt(60)
        memmap = vm.command("memmap")
        iomem = vm.command("iomem")
        meminfo = vm.command("meminfo")
    ram = [(int(a, 16), int(b, 16)) for ind, a, b, n in IOMEM.findall(iomem)
           if n == "System RAM" and ind == ""]
    assert ram == usable_ranges(memmap), (ram, iomem)
    total = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1))
    # MemTotal: the usable RAM, trimmed to whole pages (as memblock keeps it)
    pages = sum(((e + 1) // 4096) - ((s + 4095) // 4096) for s, e in ram)
    assert total == pages * 4, (total, pages * 4)
    return iomem


def test_iomem_ram_equals_memmap_32M():
    check_iomem("32M")


def test_iomem_ram_equals_memmap_512M():
    iomem = check_iomem("512M")
    # the kernel's sections nest under System RAM, two spaces in
    for name in ("Kernel code", "Kernel rodata", "Kernel data", "Kernel bss"):
        assert re.search(rf"^  00[0-9a-f]{{6}}-00[0-9a-f]{{6}} : {name}$", iomem, re.M), iomem
    for name in ("Local APIC", "IOAPIC 0", "HPET 0", "Video RAM area", "Reserved"):
        assert f" : {name}" in iomem, (name, iomem)


def test_iomem_ram_equals_memmap_4G():
    iomem = check_iomem("4G")
    assert "100000000-13fffffff : System RAM" in iomem, iomem


def test_iomem_ram_equals_memmap_8G():
    check_iomem("8G")


RTC_BASE = "2021-03-04T05:06:07"


def test_256M_with_a_set_clock():
    """One boot (256M, the RTC set to RTC_BASE): the clock read at boot,
    the page counts, then the I/O ports and a request they refuse."""
    with Qemu(extra=["-rtc", f"base={RTC_BASE}"]) as vm:
        vm.wait_prompt()
        yield check_rtc_reads_qemus_clock, vm
        yield check_buddyinfo_and_meminfo, vm
        yield check_ioports_and_a_conflicting_request, vm


def check_ioports_and_a_conflicting_request(vm):
    ports = vm.command("ioports")
    for line in ("0020-0021 : pic1", "0040-0043 : timer0", "0060-0060 : keyboard",
                 "0064-0064 : keyboard", "0070-0077 : rtc0", "00a0-00a1 : pic2",
                 "00f4-00f7 : isa-debug-exit", "03f8-03ff : serial"):
        assert line in ports, (line, ports)
    out = vm.command("request_region 3f8 8 serial2")
    assert "conflicts with 0x3f8-0x3ff serial" in out, out
    assert vm.command("ioports") == ports          # nothing changed
    assert vm.command("request_region zz 8 x").strip().startswith("usage:")


def check_buddyinfo_and_meminfo(vm):
    info = vm.command("buddyinfo")
    mem = vm.command("meminfo")
    m = re.match(r"Node 0, zone   Normal((?: +\d+){11})\s*$", info.strip())
    assert m, info
    counts = [int(x) for x in m.group(1).split()]
    free_kb = sum(c << o for o, c in enumerate(counts)) * 4
    assert f"MemFree:        {free_kb:8d} kB" in mem, (free_kb, mem)
    assert counts[10] > 0                     # 256 MiB has 4 MiB blocks free
    for key in ("MemTotal", "MemFree", "Reserved", "PageTables", "Slab"):
        assert re.search(rf"^{key}:\s+\d+ kB$", mem, re.M), mem


def check_rtc_reads_qemus_clock(vm):
    m = re.search(r"rtc_cmos rtc_cmos: setting system clock to (\S+) UTC \((\d+)\)", vm.out)
    assert m, vm.out
    when = calendar.timegm((2021, 3, 4, 5, 6, 7))
    assert m.group(1).startswith("2021-03-04T05:06:"), m.group(1)
    assert when <= int(m.group(2)) <= when + 10, (m.group(2), when)
