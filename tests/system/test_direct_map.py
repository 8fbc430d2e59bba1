"""The direct map for several RAM sizes and CPUs: ptdump against info tlb
over the whole kernel half, leaf sizes as the CPU allows, RAM mapped and
holes not (checked against QEMU's own memory size)."""
import os
import re
import subprocess

from qemu import Qemu, ptdump_ranges, check_ptdump_against_tlb, EXIT_PANIC, EXIT_SUCCESS

PAGE_OFFSET = 0xffff888000000000
START_KERNEL_MAP = 0xffffffff80000000
GiB = 1 << 30
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def symbols():
    """The kernel's symbols as the linker placed them (nm), not as it says."""
    out = subprocess.run(["nm", os.path.join(ROOT, "build", "carta.elf")], capture_output=True,
                         text=True, check=True).stdout
    return {n: int(a, 16) for a, _, n in (l.split() for l in out.splitlines() if len(l.split()) == 3)}


def read_only_alias():
    """[start, end) in the direct map of the image's read-only sections
    once boot is over: text and rodata (init text was read-only too, until
    free_initmem gave it back as RAM)."""
    sym = symbols()
    return (PAGE_OFFSET + sym["_text"] - START_KERNEL_MAP,
            PAGE_OFFSET + sym["__init_begin"] - START_KERNEL_MAP)


def boot_and_check(mem="256M", cpu="max", machine="pc"):
    with Qemu(mem=mem, cpu=cpu, machine=machine) as vm:
        vm.wait_prompt(60)
        return direct_map_agrees(vm)


def direct_map_agrees(vm):
    """ptdump over the kernel half against info tlb, the direct map against
    QEMU's RAM, the image's alias read-only; returns the direct map's leaf
    levels and the boot log."""
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
    ro_start, ro_end = read_only_alias()
    for s, e, a, lv in direct:
        ro = ro_start <= s and e <= ro_end
        assert "NX" in a and "GLB" in a and ("ro" if ro else "RW") in a, (hex(s), a)
        assert ro or e <= ro_start or s >= ro_end, (hex(s), hex(e), "straddles the alias")
    return {lv for _, _, _, lv in direct}, boot


def test_cpu_max_uses_1g_pages():
    levels, boot = boot_and_check(mem="4G", cpu="max")
    assert "pud" in levels, levels
    assert re.search(r"direct map at 0xffff888000000000: [1-9]\d* 1G", boot), boot[-1500:]


def test_qemu64_4G():
    """One boot, 4G on a CPU without 1 GiB pages: the map, then its cost."""
    with Qemu(mem="4G", cpu="qemu64") as vm:
        vm.wait_prompt(60)
        yield check_qemu64_uses_2m_pages, vm
        yield check_table_pages_are_the_minimum, vm


def check_qemu64_uses_2m_pages(vm):
    levels, boot = direct_map_agrees(vm)
    assert "pud" not in levels and "pmd" in levels, levels


def test_32M():
    boot_and_check(mem="32M")


def test_512M():
    boot_and_check(mem="512M")


def test_8G():
    boot_and_check(mem="8G")


def test_q35_4G():
    boot_and_check(mem="4G", machine="q35")


def test_selftests_pass_on_q35_max_4G():
    """q35 with more than ~2.75 GiB puts the top of low RAM near 2 GiB, so
    the direct map's leaf sizes differ from pc's: the in-kernel suite must
    derive what it expects from the memory map."""
    with Qemu(cmdline="test", machine="q35", cpu="max", mem="4G") as vm:
        rc = vm.wait_exit(120)
        out = vm.out
    failed = [l for l in out.splitlines() if l.lstrip().startswith("not ok")]
    assert rc == EXIT_SUCCESS and not failed and re.search(r"^ok \d+ ", out, re.M), \
        (rc, failed, out[-1500:])


def test_image_alias_read_only_and_a_write_faults():
    """The CPU's own view (info tlb) of the image's direct-map alias: text,
    rodata and init text are not writable there, data and bss are; a write
    through the alias of a rodata variable is a protection fault."""
    ro_start, ro_end = read_only_alias()
    sym = symbols()
    with Qemu() as vm:
        vm.wait_prompt()
        tlb = vm.info_tlb()
        vm.send("crash alias\r")
        rc = vm.wait_exit(20)
        out = vm.out
    assert "x86/mm: Checked kernel aliases: passed" in out, out[-2000:]
    for va in range(ro_start, ro_end, 4096):
        assert va in tlb and "W" not in tlb[va][1] and "X" in tlb[va][1], (hex(va), tlb.get(va))
    for name in ("__init_begin", "_sdata", "__bss_start"):
        va = PAGE_OFFSET + (sym[name] & ~4095) - START_KERNEL_MAP
        assert "W" in tlb[va][1], (name, hex(va), tlb[va])
    m = re.search(r"through its direct-map alias 0x([0-9a-f]+)", out)
    assert m and ro_start <= int(m.group(1), 16) < ro_end, out[-2000:]
    assert f"BUG: unable to handle page fault for address: {m.group(1)}" in out, out[-2000:]
    assert "#PF: error_code(0x0003) - permissions violation" in out
    assert rc == EXIT_PANIC, rc


def check_table_pages_are_the_minimum(vm):
    """The boot line's table-page count equals the fewest pages that can
    hold the direct map ptdump shows: one PUD page per PGD slot used, one
    PMD page per 1 GiB region not mapped by a 1 GiB leaf, one PTE page per
    2 MiB region mapped with 4 KiB leaves."""
    out = vm.command("ptdump kernel")
    m = re.search(r"direct map at 0xffff888000000000: .* (\d+) table pages", vm.out)
    split = re.search(r"direct-map alias of text, rodata and init text read-only: .* (\d+) table pages for splits",
                      vm.out)
    assert m and split, vm.out
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
    # the boot line counts the build; mark_rodata_ro's split of the image alias comes after
    assert int(m.group(1)) + int(split.group(1)) == len(pgd_slots) + len(gib_tables) + len(mib_tables), \
        (m.group(1), split.group(1), len(pgd_slots), len(gib_tables), len(mib_tables))
