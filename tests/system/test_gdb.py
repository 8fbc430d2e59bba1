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
from gdb_session import free_port, gdb_stub_args

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
