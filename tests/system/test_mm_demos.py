"""The commands behind docs/questions.md, each checked against something
the kernel does not print itself: QEMU's monitor (gva2gpa, xp, info tlb),
the CPU's own fault in a user program, and a model of the e820 map.
Also the shell's conventions: history on the arrow keys, [0x]ADDR and
SIZE[K|M|G] arguments, selftest with a filter that matches nothing."""
import re

from qemu import Qemu

RESERVED = 0x8000000            # the page memmap= keeps from the kernel
CMDLINE = ("testmode memmap=4K$0x8000000 memmap=4Q$0x2 memmap=1G$0x100000000 "
           "memmap=4K$0x200000")


def test_mm_demos():
    with Qemu(cmdline=CMDLINE) as vm:
        vm.wait_prompt()
        yield check_memmap_reserves_a_page, vm
        yield check_pa_and_va_against_gva2gpa, vm
        yield check_request_mem_region_nests_and_releases, vm
        yield check_memremap_of_the_reserved_page_is_a_new_wb_mapping, vm
        yield check_tlbdemo_reads_a_stale_entry, vm
        yield check_initmm_pte_is_invisible_to_a_process, vm
        yield check_history_recalls_lines, vm
        yield check_arguments_and_selftest_filter, vm


def gva2gpa(vm, va):
    out = vm.hmp(f"gva2gpa {va:#x}")
    m = re.search(r"gpa: (0x[0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


def xp64(vm, phys):
    out = vm.hmp(f"xp /1gx {phys:#x}")
    return int(out.split(":")[1].split()[0], 16)


def check_memmap_reserves_a_page(vm):
    dmesg = vm.command("dmesg")
    bios = [(int(s, 16), int(e, 16), t) for s, e, t in re.findall(
        r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (\S+)", dmesg)]
    user = [(int(s, 16), int(e, 16), t) for s, e, t in re.findall(
        r"user: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (\S+)", dmesg)]
    # the model: the firmware's usable entry holding the page, split in three
    want = []
    for s, e, t in bios:
        if t == "usable" and s <= RESERVED and RESERVED + 0xfff <= e:
            want += [(s, RESERVED - 1, t), (RESERVED, RESERVED + 0xfff, "reserved"),
                     (RESERVED + 0x1000, e, t)]
        else:
            want.append((s, e, t))
    assert user == [w for w in want if w[0] <= w[1]], (bios, user)
    # `memmap` shows both maps, as the boot log did
    logged = [l.split("] ", 1)[1] for l in dmesg.splitlines()
              if re.search(r"\] (BIOS-e820|user): ", l)]
    assert vm.command("memmap").splitlines() == logged, logged
    # one line for each bad value, and none of them changed the map
    assert "memmap=4Q$0x2: expected memmap=nn[KMG]$ss[KMG]; ignored" in dmesg, dmesg
    assert re.search(r"memmap=1G\$0x100000000: .* is not inside usable RAM; ignored", dmesg)
    assert re.search(r"memmap=4K\$0x200000: .* overlaps the kernel image; ignored", dmesg)
    assert "08000000-08000fff : Reserved" in vm.command("iomem")
    for line in re.findall(r"\[0x([0-9a-f]+)-0x([0-9a-f]+)\]", vm.command("memblock").split(
            "reserved.cnt")[0]):
        s, e = int(line[0], 16), int(line[1], 16)
        assert not (s <= RESERVED <= e), line          # not memory any more
    # the direct map skips it, as the CPU sees the tables: its neighbours are mapped
    base = 0xffff888000000000 + RESERVED
    assert gva2gpa(vm, base) is None
    assert gva2gpa(vm, base - 0x1000) == RESERVED - 0x1000
    assert gva2gpa(vm, base + 0x1000) == RESERVED + 0x1000


def check_pa_and_va_against_gva2gpa(vm):
    for va in (0xffff888000100000, 0xffff888001234000, 0xffffffff80201000):
        out = vm.command(f"pa {va:#x}")
        m = re.search(r"= 0x([0-9a-f]+)\n", out)
        walk = re.search(r"page-table walk \(CR3 0x[0-9a-f]+\): 0x([0-9a-f]+)", out)
        assert m and walk, out
        assert int(m.group(1), 16) == int(walk.group(1), 16) == gva2gpa(vm, va), (out, va)
        assert ("__pa_symbol" in out) == (va >= 0xffffffff80000000), out
    # a function's name: __pa_symbol of it, and the CPU agrees
    out = vm.command("pa start_kernel")
    m = re.search(r"^(0x[0-9a-f]+) is in the kernel image: __pa_symbol\(x\) = .* = 0x([0-9a-f]+)",
                  out, re.M)
    assert m and int(m.group(2), 16) == gva2gpa(vm, int(m.group(1), 16)), out
    out = vm.command("pa ffffc90000000000")        # the HPET's ioremap: no formula
    walk = re.search(r"page-table walk \(CR3 0x[0-9a-f]+\): 0x([0-9a-f]+)", out)
    assert "no formula" in out and int(walk.group(1), 16) == gva2gpa(vm, 0xffffc90000000000)
    out = vm.command("va 0x1234000")
    assert "__va(0x1234000) = PAGE_OFFSET + phys = 0xffff888001234000" in out, out
    assert gva2gpa(vm, 0xffff888001234000) == 0x1234000
    assert "pfn 0x1234  pfn_to_page" in out, out


def check_request_mem_region_nests_and_releases(vm):
    before = vm.command("iomem")
    assert vm.command("request_mem_region 0x8000000 4K mybuf").strip() == \
        "08000000-08000fff : mybuf"
    iomem = vm.command("iomem")
    assert "08000000-08000fff : Reserved\n  08000000-08000fff : mybuf\n" in iomem, iomem
    out = vm.command("request_mem_region 8000000 0x1000 again")
    assert "conflicts with" in out and "mybuf" in out, out
    # the shell gives back only its own claims
    out = vm.command("release_mem_region fed00000 0x400")
    assert "no region the shell claimed" in out, out
    assert vm.command("release_mem_region 0x8000000 4K") == ""
    assert vm.command("iomem") == before
    assert vm.command("request_region 3f8 8 serial2").count("conflicts with") == 1
    assert vm.command("request_mem_region 8000000 1x y").startswith("usage: request_mem_region")


def check_memremap_of_the_reserved_page_is_a_new_wb_mapping(vm):
    out = vm.command("memremap 0x8000000 4K")
    m = re.match(r"(0x[0-9a-f]+) \(a new mapping, write-back\)\n", out)
    assert m, out
    va = int(m.group(1), 16)
    phys, flags = vm.info_tlb()[va]
    assert phys == RESERVED and "C" not in flags and "T" not in flags, (phys, flags)
    out = vm.command("memremap 100000 4K")          # RAM: the direct map's own address
    assert out.startswith("0xffff888000100000 (System RAM: the direct map's address, __va)\n")
    assert "ioremap on RAM" in vm.command("memremap 100000 4K wc")
    assert "mixed range" in vm.command("memremap 7fff000 8K")
    assert vm.command(f"memunmap {va:#x}") == ""
    assert va not in vm.info_tlb()


def check_tlbdemo_reads_a_stale_entry(vm):
    out = vm.command("tlbdemo")
    a = re.search(r"page A: phys 0x([0-9a-f]+) holds 0x([0-9a-f]+)", out)
    b = re.search(r"page B: phys 0x([0-9a-f]+) holds 0x([0-9a-f]+)", out)
    reads = [int(x, 16) for x in re.findall(r"read 0x([0-9a-f]+)", out)]
    walks = [int(x, 16) for x in re.findall(r"page tables say phys 0x([0-9a-f]+)", out)]
    assert a and b and len(reads) == 3 and len(walks) == 3, out
    pa, pb = int(a.group(1), 16), int(b.group(1), 16)
    # what the pages hold, read by QEMU itself (freed since, but not reused yet)
    va_, vb = xp64(vm, pa), xp64(vm, pb)
    assert (va_, vb) == (int(a.group(2), 16), int(b.group(2), 16)), (va_, vb)
    # second read: the tables already said B, the CPU still read A
    assert reads == [va_, va_, vb] and walks == [pa, pb, pb], out


def check_initmm_pte_is_invisible_to_a_process(vm):
    out = vm.command("initmm_pte 0x10000000")
    m = re.search(r"page phys 0x([0-9a-f]+) holds 0x([0-9a-f]+)", out)
    assert m, out
    phys, marker = int(m.group(1), 16), int(m.group(2), 16)
    assert f"CR3 = swapper_pg_dir" in out and f": 0x{marker:016x}" in out, out
    # the CPU walks it too, with CR3 = swapper_pg_dir, and the page holds the marker
    assert gva2gpa(vm, 0x10000000) == phys and xp64(vm, phys) == marker
    assert "walk of 0x10000000: not mapped" in out, out
    # a process runs on its own PGD: its read faults, the CPU's verdict
    out = vm.command("run probe -c read 0x10000000")
    assert "probe[" in out and "killed by signal 11 (SIGSEGV)" in out, out
    assert vm.command("initmm_pte clear") == ""
    assert "nothing mapped" in vm.command("initmm_pte clear")
    assert "User Space ]---\n0x0000000000000000-0xffff800000000000" in vm.command("ptdump")


def check_history_recalls_lines(vm):
    up, down = "\x1b[A", "\x1b[B"
    vm.command("va 0x5000")
    vm.command("pa ffff888000006000")
    start = len(vm.out)
    vm.send(up + up + "\r")                     # two back: va 0x5000
    vm.wait_for(r"__va\(0x5000\)", 10, start)
    vm.wait_for(r"^carta> ", 10, start + 1)
    start = len(vm.out)
    # newest first now: va (just run again), pa, va. Up three times, down
    # once: the second newest, pa
    vm.send(up + up + up + down + "\r")
    vm.wait_for(r"0xffff888000006000 is in the direct map", 10, start)
    vm.wait_for(r"^carta> ", 10, start + 1)
    start = len(vm.out)
    vm.send(up + down + "\r")                   # down past the newest: an empty line
    vm.wait_for(r"^carta> ", 10, start + 1)
    assert "__va" not in vm.out[start:] and "direct map" not in vm.out[start:]
    start = len(vm.out)
    vm.send("\x1bOA\r")                         # the application-mode arrow too
    vm.wait_for(r"0xffff888000006000 is in the direct map", 10, start)
    vm.wait_for(r"^carta> ", 10, start + 1)


def check_arguments_and_selftest_filter(vm):
    out = vm.command("selftest no_such_suite")
    assert out.strip() == 'selftest: no test matches "no_such_suite"', out
    assert vm.command("translate 0xffffffff80201000") == vm.command("translate ffffffff80201000")
    assert vm.command("translate 12g4").strip() == "usage: translate [0x]VADDR|FUNCTION"
    assert vm.command("vmalloc 12q").strip() == "usage: vmalloc SIZE[K|M|G] [ALIGN[K|M|G]]"
    addr = vm.command("vmalloc 8K").strip()
    # 8 KiB and the guard page after it
    assert re.search(rf"^{addr}-0x[0-9a-f]+ +12288 cmd_vmalloc", vm.command("vmallocinfo"), re.M)
    assert vm.command(f"vfree {addr[2:]}") == ""
