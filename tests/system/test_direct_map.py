"""The direct map for several RAM sizes and CPUs: ptdump against info tlb
over the whole kernel half, leaf sizes as the CPU allows, RAM mapped and
holes not (checked against QEMU's own memory size)."""
import re

from qemu import Qemu, ptdump_ranges, check_ptdump_against_tlb

PAGE_OFFSET = 0xffff888000000000
GiB = 1 << 30


def boot_and_check(mem="256M", cpu="max", machine="pc"):
    with Qemu(mem=mem, cpu=cpu, machine=machine) as vm:
        vm.wait_prompt(60)
        out = vm.command("ptdump kernel", timeout=60)
        tlb = vm.info_tlb()
        ram = vm.qmp_cmd("query-memory-size-summary")["base-memory"]
        boot = vm.out
    assert "x86/mm: Checked W+X mappings: passed" in boot, boot[-2000:]
    ranges = ptdump_ranges(out)
    bad = check_ptdump_against_tlb(ranges, tlb)
    assert not bad, "\n".join(bad[:10])
    direct = [r for r in ranges if PAGE_OFFSET <= r[0] < 0xffffc88000000000 and r[2]]
    mapped = sum(((e or 1 << 64) - s) for s, e, a, lv in direct)
    # the direct map holds RAM QEMU gave, minus what firmware keeps back
    # (the 640K-1M hole, SeaBIOS's top-of-low-RAM area): within 2 MiB
    assert ram - (2 << 20) <= mapped <= ram + (1 << 20), (mapped, ram)
    for s, e, a, lv in direct:
        assert "NX" in a and "GLB" in a and "RW" in a, (hex(s), a)
    return {lv for _, _, _, lv in direct}, boot


def test_cpu_max_uses_1g_pages():
    levels, boot = boot_and_check(mem="4G", cpu="max")
    assert "pud" in levels, levels
    assert re.search(r"direct map at 0xffff888000000000: [1-9]\d* 1G", boot), boot[-1500:]


def test_qemu64_uses_2m_pages():
    levels, boot = boot_and_check(mem="4G", cpu="qemu64")
    assert "pud" not in levels and "pmd" in levels, levels


def test_32M():
    boot_and_check(mem="32M")


def test_512M():
    boot_and_check(mem="512M")


def test_8G():
    boot_and_check(mem="8G")


def test_q35_4G():
    boot_and_check(mem="4G", machine="q35")


def test_table_pages_are_the_minimum():
    """The boot line's table-page count equals the fewest pages that can
    hold the direct map ptdump shows: one PUD page per PGD slot used, one
    PMD page per 1 GiB region not mapped by a 1 GiB leaf, one PTE page per
    2 MiB region mapped with 4 KiB leaves."""
    with Qemu(mem="4G", cpu="qemu64") as vm:
        vm.wait_prompt()
        out = vm.command("ptdump kernel")
        m = re.search(r"direct map at 0xffff888000000000: .* (\d+) table pages", vm.out)
    assert m, vm.out
    direct = [(s, e, lv) for s, e, a, lv in ptdump_ranges(out)
              if PAGE_OFFSET <= s < 0xffffc88000000000 and a]
    pgd_slots, gib_tables, mib_tables = set(), set(), set()
    for s, e, lv in direct:
        size = {"pte": 4096, "pmd": 2 << 20, "pud": GiB}[lv]
        for va in range(s, e, size):
            pgd_slots.add(va >> 39)
            if lv != "pud":
                gib_tables.add(va >> 30)
            if lv == "pte":
                mib_tables.add(va >> 21)
    assert int(m.group(1)) == len(pgd_slots) + len(gib_tables) + len(mib_tables), \
        (m.group(1), len(pgd_slots), len(gib_tables), len(mib_tables))
