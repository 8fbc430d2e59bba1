"""Real gdb in batch mode against QEMU's gdb stub, with the project's gdb
script: a hardware breakpoint on start_kernel hits from reset, bt names it,
next/step work, higher-half memory reads as the multiboot2 spec says, and a
software breakpoint works once paging is on. The first test steps in from
GRUB's entry (the multiboot2 magic, GRUB's name), so it boots GRUB; the
others stop later and boot the default way (PVH)."""
import os
import re
import subprocess

from qemu import Qemu
from gdb_session import Gdb, free_port, gdb_stub_args

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_breakpoint_bt_step_and_memory():
    port = free_port()
    with Qemu(boot="grub", extra=gdb_stub_args(port)):
        cmds = ["hbreak start_kernel", "continue", "bt", "info registers rip",
                "x/4xb _text", "next", "step", "tbreak parse_early_params", "continue",
                "p boot_info.loader_name", "p/x $cr3", "kill"]
        args = ["gdb", "-batch", "-nx", "-x", "scripts/gdb/carta.gdb"]
        for c in cmds:
            args += ["-ex", c]
        env = dict(os.environ, CARTA_GDB_TARGET=f"127.0.0.1:{port}")
        p = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        out = p.stdout + p.stderr
    assert "too long" not in out, out
    # GRUB's entry passes the multiboot2 magic (0x36d76289) on to start_kernel
    assert re.search(r"Breakpoint 1, start_kernel \(magic=920085129, info_phys=\d+\) at kernel/main\.c:\d+",
                     out), out
    bt = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+)", out, re.M)
    assert bt and bt[0] == ("0", "start_kernel"), bt
    # start_kernel's caller is the asm in boot/head.asm; past it the chain
    # ends with a zero return address, not with garbage
    assert [name for _, name in bt[:2]] == ["start_kernel", "higher_half"], bt
    assert all(name != "??" for _, name in bt[2:-1]), f"bt runs into garbage: {bt}"
    assert re.search(r"^#%s\s+0x0000000000000000 in \?\? \(\)" % bt[-1][0], out, re.M), bt
    assert "not in symtab" not in out, out
    assert re.search(r"^rip\s+0xffffffff802[0-9a-f]{5}\s+0xffffffff802[0-9a-f]{5} <start_kernel", out, re.M), out
    # multiboot2 spec 3.1.1: the header (first thing in .text) starts 0xe85250d6
    assert re.search(r"<_text>:\s+0xd6\s+0x50\s+0x52\s+0xe8", out), out
    assert re.search(r"^\d+\s+serial_init\(\);|^tsc_early_init \(\) at kernel/time\.c", out, re.M), out
    assert re.search(r"parse_early_params \(cmdline=0x[0-9a-f]+ <boot_info\+\d+> \"testmode\"\)", out), out
    assert re.search(r'^\$1 = "GRUB', out, re.M), out


def tlb_phys(tlb, va):
    """The physical address info tlb gives for va (4K, 2M or 1G leaf)."""
    for size in (4096, 2 << 20, 1 << 30):
        base = va & ~(size - 1)
        if base in tlb and (size == 4096 or "P" in tlb[base][1]):
            return tlb[base][0] + (va - base)
    return None


def test_translate_vm_agrees_with_info_tlb_before_and_after_swapper():
    from gdb_session import Gdb
    port = free_port()
    with Qemu(extra=gdb_stub_args(port)) as vm, Gdb(port) as gdb:
        for stop in ("start_kernel", "mark_rodata_ro"):
            gdb.cmd(f"hbreak {stop}")
            out = gdb.cmd("continue")
            assert f"{stop} (" in out, out
            tlb = vm.info_tlb()
            probes = [0xffffffff80200123, 0xffffffff80201000 + 0x45]
            if stop == "mark_rodata_ro":
                probes += [0xffff888000100008, 0xffff888000a00000 + 0x10]
            for va in probes:
                walk = gdb.cmd(f"translate-vm {va:#x}")
                m = re.search(r"=> physical 0x([0-9a-f]+)", walk)
                assert m, walk
                assert int(m.group(1), 16) == tlb_phys(tlb, va), (stop, hex(va), walk)
            walk = gdb.cmd("translate-vm 0x1000")
            assert "walk stops" in walk or stop == "start_kernel", walk
            gdb.cmd(f"delete")
        # after the walk gdb reads virtual memory again (mode switched back)
        assert "0xd6" in gdb.cmd("x/1xb _text")


def test_gdb_walk_free_pages_merges_a_buddy():
    """docs/physical-memory.md's session: stop in __free_pages when the
    block's buddy is free (PG_buddy, same order), and see them merge."""
    import threading
    from gdb_session import Gdb
    port = free_port()
    with Qemu(extra=gdb_stub_args(port)) as vm, Gdb(port) as gdb:
        gdb.cmd("hbreak cmd_selftest")
        result = {}
        runner = threading.Thread(target=lambda: result.update(out=gdb.cmd("continue")))
        runner.start()              # QEMU boots; type the command at the prompt
        vm.wait_prompt(60)
        vm.send("selftest page_alloc.every_free_page_at_order_0_and_back\r")
        runner.join(60)
        assert "cmd_selftest" in result.get("out", ""), result
        gdb.cmd("delete")
        gdb.cmd("break __free_pages if (mem_map[(page - mem_map) ^ (1 << order)].flags & 2) "
                "&& mem_map[(page - mem_map) ^ (1 << order)].order == order")
        out = gdb.cmd("continue")
        assert "__free_pages (" in out, out
        pfn = int(re.search(r"= (\d+)", gdb.cmd("p page - mem_map")).group(1))
        order = int(re.search(r"= (\d+)", gdb.cmd("p order")).group(1))
        buddy = pfn ^ (1 << order)
        gdb.cmd("finish")
        head = min(pfn, buddy)
        flags = int(re.search(r"= (\d+)", gdb.cmd(f"p mem_map[{head}].flags")).group(1))
        merged = int(re.search(r"= (\d+)", gdb.cmd(f"p mem_map[{head}].order")).group(1))
        upper = int(re.search(r"= (\d+)", gdb.cmd(f"p mem_map[{max(pfn, buddy)}].flags")).group(1))
    # the lower of the two now heads a free block of a higher order; the
    # upper one is no longer a head of anything
    assert flags & 2 and merged > order, (pfn, buddy, flags, merged, order)
    assert not upper & 2, upper


# --- the toolkit (scripts/gdb/carta) against the shell ------------------------
#
# One boot: the shell puts the kernel in a known state (a process that stays
# alive, a vmalloc, an ioremap, a claimed port range), prints each command's
# view of it; then gdb attaches to the running QEMU (which stops it; the
# shell is idle in hlt, and spin, a busy loop, neither allocates nor
# prints) and each lx-* helper must print the same, read from memory by a
# Python reading of the data structures rather than by the kernel's C.

SHELL_VIEWS = ["dmesg", "ps", "iomem", "ioports", "vmallocinfo", "slabinfo", "buddyinfo",
               "ptdump", "ptdump kernel", "ptdump user 2", "fixmap", "fixmap all",
               "earlyioremap", "checkpgd", "vmas 2"]


def kernel_symbol(name):
    """A symbol's address from the ELF (nm), not from the kernel or gdb."""
    out = subprocess.run(["nm", os.path.join(ROOT, "build", "carta.elf")], capture_output=True,
                         text=True, check=True).stdout
    return int(re.search(r"^([0-9a-f]+) \w %s$" % re.escape(name), out, re.M).group(1), 16)


def same(shell_out, gdb_out, what):
    s, g = shell_out.splitlines(), gdb_out.splitlines()
    assert s, f"{what}: the shell printed nothing"
    diff = [f"line {i}: shell {a!r}\n        gdb   {b!r}"
            for i, (a, b) in enumerate(zip(s, g)) if a != b]
    assert not diff and len(s) == len(g), (
        f"{what}: {len(s)} shell lines, {len(g)} gdb lines\n" + "\n".join(diff[:6]))


def test_gdb_helpers_match_the_shell():
    port = free_port()
    with Qemu(cmdline="", extra=["-gdb", f"tcp:127.0.0.1:{port}"]) as vm:
        vm.wait_prompt(60)
        assert re.search(r"^\[2\] spin$", vm.command("run spin &"), re.M)
        vaddr = int(vm.command("vmalloc 0x3000", 30).strip(), 16)
        ioaddr = int(vm.command("ioremap fee00000 0x1000 uc", 30).split()[0], 16)
        assert "gdbtest" in vm.command("request_region 2f8 8 gdbtest", 30)
        sym = kernel_symbol("start_kernel")
        views = {c: vm.command(c, 60) for c in SHELL_VIEWS}
        for va in (sym, vaddr + 0x1008, ioaddr):
            views[f"translate {va:x}"] = vm.command(f"translate {va:x}", 30)
        with Gdb(port) as gdb:
            yield check_dmesg, views, gdb
            yield check_ps, views, gdb
            yield check_current, gdb
            yield check_resources, views, gdb
            yield check_vmallocinfo, views, gdb, vaddr, ioaddr
            yield check_slabinfo_and_buddyinfo, views, gdb
            yield check_ptdump, views, gdb
            yield check_fixmap_and_earlyioremap, views, gdb
            yield check_checkpgd_and_pgdlist, views, gdb
            yield check_vmas, views, gdb
            yield check_translate_vm_symbols_and_expressions, views, gdb, vm, sym, vaddr, ioaddr
            yield check_pa_va_pfn_page, gdb, vaddr
            yield check_user_symbols, views, gdb
            yield check_help_lists_every_command, gdb


def check_dmesg(views, gdb):
    same(views["dmesg"], gdb.cmd("lx-dmesg"), "lx-dmesg")


def check_ps(views, gdb):
    # The shell is running when it prints ps (R) and asleep on the serial
    # line when gdb stops it (S): its own state letter is the one field
    # that differs by nature.
    def shell_state_dropped(text):
        return re.sub(r"^(    1 +\d+ )[RS]", r"\1?", text, flags=re.M)
    same(shell_state_dropped(views["ps"]), shell_state_dropped(gdb.cmd("lx-ps")), "lx-ps")
    assert re.search(r"^    2     1 R spin ", views["ps"], re.M), views["ps"]


def check_current(gdb):
    """$current() is the task whose page tables CR3 holds (a process), or a
    kernel thread (no mm) running on whatever CR3 it inherited."""
    pid = int(re.search(r"= (\d+)", gdb.cmd("p $current()->pid")).group(1))
    assert pid in (0, 1, 2), pid
    assert gdb.cmd("p $lx_current() == current").strip().endswith("= 1")
    if pid == 2:
        pgd = int(re.search(r"= (\d+)", gdb.cmd("p $pa($current()->mm->pgd)")).group(1))
        cr3 = int(re.search(r"0x([0-9a-f]+)", gdb.cmd("p/x $cr3")).group(1), 16)
        assert pgd == cr3 & ~0xfff, (hex(pgd), hex(cr3))


def check_resources(views, gdb):
    same(views["iomem"], gdb.cmd("lx-iomem"), "lx-iomem")
    same(views["ioports"], gdb.cmd("lx-ioports"), "lx-ioports")
    assert "02f8-02ff : gdbtest" in views["ioports"], views["ioports"]


def check_vmallocinfo(views, gdb, vaddr, ioaddr):
    same(views["vmallocinfo"], gdb.cmd("lx-vmallocinfo"), "lx-vmallocinfo")
    assert f"0x{vaddr:016x}-" in views["vmallocinfo"] and f"0x{ioaddr:016x}-" in views["vmallocinfo"]


def check_slabinfo_and_buddyinfo(views, gdb):
    same(views["slabinfo"], gdb.cmd("lx-slabinfo"), "lx-slabinfo")
    same(views["buddyinfo"], gdb.cmd("lx-buddyinfo"), "lx-buddyinfo")


def check_ptdump(views, gdb):
    same(views["ptdump"], gdb.cmd("lx-ptdump"), "lx-ptdump")
    same(views["ptdump kernel"], gdb.cmd("lx-ptdump kernel"), "lx-ptdump kernel")
    same(views["ptdump user 2"], gdb.cmd("lx-ptdump user 2"), "lx-ptdump user 2")
    # from a given PGD: the kernel's own, whose kernel half is every process's
    kernel_half = views["ptdump kernel"]
    by_pgd = gdb.cmd("lx-ptdump pgd 'mm/pgalloc.c'::kernel_top")
    assert kernel_half in by_pgd, by_pgd[-2000:]


def check_fixmap_and_earlyioremap(views, gdb):
    same(views["fixmap"], gdb.cmd("lx-fixmap"), "lx-fixmap")
    same(views["fixmap all"], gdb.cmd("lx-fixmap all"), "lx-fixmap all")
    same(views["earlyioremap"], gdb.cmd("lx-earlyioremap"), "lx-earlyioremap")


def check_checkpgd_and_pgdlist(views, gdb):
    same(views["checkpgd"], gdb.cmd("lx-checkpgd"), "lx-checkpgd")
    n = int(re.search(r"checkpgd: (\d+) PGDs", views["checkpgd"]).group(1))
    rows = gdb.cmd("lx-pgdlist").splitlines()
    # spin's PGD is the CR3 the shell's translate saw (spin runs; the
    # shell, a kernel thread, keeps the CR3 it found)
    cr3 = int(re.search(r"\(CR3 0x([0-9a-f]+)\)", views[next(k for k in views if k.startswith("translate"))]).group(1), 16)
    assert len(rows) == n + 2, rows
    assert any(r.startswith(f"0x{cr3 & ~0xfff:016x}") and r.endswith("2 spin") for r in rows), (hex(cr3), rows)
    assert "kernel_pgd" in rows[-1], rows


def check_vmas(views, gdb):
    same(views["vmas 2"], gdb.cmd("lx-vmas 2"), "lx-vmas 2")


def check_translate_vm_symbols_and_expressions(views, gdb, vm, sym, vaddr, ioaddr):
    same(views[f"translate {sym:x}"], gdb.cmd("translate-vm start_kernel"), "translate-vm start_kernel")
    same(views[f"translate {vaddr + 0x1008:x}"], gdb.cmd(f"translate-vm (char *){vaddr:#x} + 0x1008"),
         "translate-vm EXPR")
    same(views[f"translate {ioaddr:x}"], gdb.cmd(f"translate-vm {ioaddr}"), "translate-vm NUMBER")
    # $rsp+8: whatever the stop, against QEMU's own view of the same moment
    rsp = int(re.search(r"0x([0-9a-f]+)", gdb.cmd("p/x $rsp")).group(1), 16)
    walk = gdb.cmd("translate-vm $rsp+8")
    assert walk.startswith(f"0x{rsp + 8:016x}:"), walk
    phys = int(re.search(r"=> physical 0x([0-9a-f]+)", walk).group(1), 16)
    assert phys == tlb_phys(vm.info_tlb(), rsp + 8), (walk, hex(phys))
    assert "No symbol" in gdb.cmd("translate-vm no_such_symbol")


def check_pa_va_pfn_page(gdb, vaddr):
    def num(expr):
        return int(re.search(r"= (?:\([^)]*\) )?(0x[0-9a-f]+|\d+)", gdb.cmd(f"p/x {expr}")).group(1), 16)
    # __pa of an image address and of its direct-map alias, both against
    # the MMU walk (translate-vm reads the tables, $pa does arithmetic)
    for expr in ("&log_buf", "$va($pa(&log_buf))", "start_kernel"):
        walk = gdb.cmd(f"translate-vm {expr}")
        phys = int(re.search(r"=> physical 0x([0-9a-f]+)", walk).group(1), 16)
        assert num(f"$pa({expr})") == phys, (expr, walk)
    # the alias holds the same bytes
    assert xvals(gdb.cmd("x/4gx &log_buf")) == xvals(gdb.cmd("x/4gx $va($pa(&log_buf))"))
    assert num("$pfn_to_page(1234)") == num("&mem_map[1234]")
    assert num("$page_to_pfn(&mem_map[1234])") == 1234
    assert num("$page_address($pfn_to_page(1234))") == num("$va(1234 << 12)")
    assert num("$virt_to_page($va(1234 << 12) + 5)") == num("&mem_map[1234]")
    # a vmalloc page: its struct page is the one vmalloc put in vm->pages
    walk = gdb.cmd(f"translate-vm {vaddr:#x}")
    pfn = int(re.search(r"=> physical 0x([0-9a-f]+)", walk).group(1), 16) >> 12
    assert num(f"$page_to_pfn($pfn_to_page({pfn}))") == pfn


def check_user_symbols(views, gdb):
    out = gdb.cmd("lx-symbols 2")
    assert "build/user/spin.elf" in out, out
    main = int(re.search(r"0x([0-9a-f]+)", gdb.cmd("info address main")).group(1), 16)
    text = re.search(r"^([0-9a-f]+)-([0-9a-f]+) r-xp .* spin$", views["vmas 2"], re.M)
    assert int(text.group(1), 16) <= main < int(text.group(2), 16), (hex(main), views["vmas 2"])
    # the program's own bytes, read live through spin's page tables, are
    # those of the file gdb loaded the symbols from
    assert [int(v, 16) for v in xvals(gdb.cmd("x/16xb main"))] == \
        list(elf_bytes_at("build/user/spin.elf", main, 16))


def elf_bytes_at(path, addr, n):
    """n bytes at virtual address addr of an ELF's loadable segments (what
    the loader copied there), from the file itself (ELF64 program headers)."""
    import struct
    data = open(os.path.join(ROOT, path), "rb").read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, off, vaddr, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and vaddr <= addr < vaddr + filesz:
            return data[off + addr - vaddr:off + addr - vaddr + n]
    raise AssertionError(f"{addr:#x} in no segment of {path}")


def xvals(out):
    """The values of a gdb x/ dump, without the addresses."""
    return re.findall(r"\s(0x[0-9a-f]+)(?=\s|$)", "\n".join(l.split(":", 1)[1] for l in out.splitlines()))


def check_help_lists_every_command(gdb):
    out = gdb.cmd("carta-help")
    for c in ("lx-dmesg", "lx-ps", "lx-iomem", "lx-ioports", "lx-vmallocinfo", "lx-slabinfo",
              "lx-buddyinfo", "lx-ptdump", "translate-vm", "lx-fixmap", "lx-earlyioremap",
              "lx-checkpgd", "lx-pgdlist", "lx-vmas", "lx-symbols", "$lx_current()", "$current()",
              "$pa(", "$va(", "$pfn_to_page(", "$page_to_pfn(", "$virt_to_page(", "$page_address("):
        assert f"  {c}" in out, (c, out)
    assert "Undefined" not in out and "Python" not in out, out


def test_make_gdb_without_a_stub_says_so_in_one_line():
    import time
    port = free_port()          # nothing listens there
    t = time.time()
    p = subprocess.run(["make", "-s", "gdb", f"GDBPORT={port}"], cwd=ROOT, capture_output=True,
                       text=True, timeout=30, stdin=subprocess.DEVNULL)
    took = time.time() - t
    assert p.returncode != 0, p
    # make's own "make: *** [gdb] Error 1" (make[N] under another make) follows
    lines = [l for l in (p.stdout + p.stderr).splitlines()
             if not re.match(r"make(\[\d+\])?: \*\*\*", l)]
    assert lines == [f"make gdb: no gdb stub on localhost:{port}; start one with 'make debug' "
                     "(or 'make qemu-gdb')"], p
    assert took < 2, took
    # gdb started by hand on the script: one line too, no traceback
    env = dict(os.environ, CARTA_GDB_TARGET=f"localhost:{port}")
    t = time.time()
    p = subprocess.run(["gdb", "-q", "-nx", "-batch", "-x", "scripts/gdb/carta.gdb"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=30)
    out = p.stdout + p.stderr
    assert time.time() - t < 5, out
    assert f"no gdb stub on localhost:{port}" in out and "Traceback" not in out and \
        "Python Exception" not in out, out
