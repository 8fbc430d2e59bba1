"""User space: processes with their own user halves and one shared kernel
half, demand paging, faults that kill only the process, remap_pfn_range.
Oracles: the QEMU monitor (`info tlb`: the CPU's own translation;
`pmemsave`: physical memory as the device sees it), the programs' own
read-back of what they wrote, and meminfo's page counts."""
import os
import re
import time
import tempfile

from gen_initramfs import read_newc
from qemu import INITRAMFS, INITRAMFS_TEST, Qemu

USER_TOP = 0x0000800000000000
SEGFAULT = re.compile(r"(\w+)\[(\d+)\]: segfault at ([0-9a-f]+) ip ([0-9a-f]{16}) "
                      r"sp ([0-9a-f]{16}) error ([0-9a-f]+)")


def meminfo(vm):
    out = vm.command("meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", out, re.M)}


def leaves_no_trace(vm, commands, timeout=60):
    """Runs commands between two meminfo readings (after a warm-up run, so
    the caches exist); asserts free and page-table pages are back to the
    baseline and the kernel still runs programs. Returns the outputs."""
    vm.command("run hello")
    before = meminfo(vm)
    outs = [vm.command(c, timeout=timeout) for c in commands]
    after = meminfo(vm)
    assert (after["MemFree"], after["PageTables"]) == (before["MemFree"], before["PageTables"]), \
        (before, after)
    assert "hello from pid" in vm.command("run hello")
    return outs


def pmem(vm, phys, size):
    """Physical memory read by QEMU itself, not through any kernel mapping."""
    fd, path = tempfile.mkstemp(prefix="carta-pmem-")
    os.close(fd)
    try:
        vm.qmp_cmd("pmemsave", {"val": phys, "size": size, "filename": path})
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def test_two_processes_one_address_private_pages_shared_kernel_half():
    with Qemu() as vm:
        vm.wait_prompt()
        a = re.search(r"\[(\d+)\]", vm.command("run sameaddr AAA 40 &")).group(1)
        b = re.search(r"\[(\d+)\]", vm.command("run sameaddr BBB 40 &")).group(1)
        vm.wait_for(r"pid %s wrote" % a, 20)
        vm.wait_for(r"pid %s wrote" % b, 20)
        maps = {p: vm.command(f"vmas {p}") for p in (a, b)}
        new = int(re.search(r"0x([0-9a-f]{16})", vm.command("vmalloc 8192")).group(1), 16)
        check = vm.command("checkpgd")
        dumps = {p: vm.command(f"ptdump user {p}") for p in (a, b)}
        tlb = vm.info_tlb()             # CR3: one of the two processes
        # the whole line: the asserts below read it from vm.out at once
        vm.wait_for(r"pid %s read back .*\n" % a, 30)
        vm.wait_for(r"pid %s read back .*\n" % b, 30)
        out = vm.out
    # each read back its own tag, though both wrote at 0x600000000 while
    # both were alive: two frames behind one user address
    assert re.search(r"pid %s read back \"AAA from pid %s\": ok" % (a, a), out), out[-2000:]
    assert re.search(r"pid %s read back \"BBB from pid %s\": ok" % (b, b), out), out[-2000:]
    for p in (a, b):
        assert re.search(r"^600000000-600001000 rw-p ", maps[p], re.M), maps[p]
        assert re.search(r"^7fffffeff000-7ffffffff000 rw-p .*\[stack\]", maps[p], re.M), maps[p]
        assert re.search(r"^00400000-[0-9a-f]+ r-xp .*sameaddr", maps[p], re.M), maps[p]
        # the kernel half seen through this process's PGD has the new area
        assert "PGD 402-465  shared (= swapper_pg_dir)" in dumps[p], dumps[p]
        assert "DIFFERS" not in dumps[p], dumps[p]
        assert re.search(r"^0x%016x-" % new, dumps[p], re.M), dumps[p]
        assert re.search(r"^0x0000000600000000-0x0000000600001000 +4K USR RW", dumps[p], re.M)
    assert re.search(r"checkpgd: 2 PGDs besides the kernel's, 0 with a kernel half that differs",
                     check), check
    # the CPU's view: U on user pages only, never on a kernel address
    user = [va for va, (_, fl) in tlb.items() if "U" in fl]
    assert 0x600000000 in user and 0x400000 in user, sorted(user)[:10]
    assert all(va < USER_TOP for va in user), [hex(v) for v in user if v >= USER_TOP][:5]
    assert new in tlb and "U" not in tlb[new][1], tlb.get(new)
    assert all(va >= USER_TOP for va, (_, fl) in tlb.items() if "G" in fl), "global user page"


def run_probe(cpu):
    with Qemu(cpu=cpu) as vm:
        vm.wait_prompt()
        out = vm.command("run probe", timeout=120)
        after = vm.command("run hello")
        log = vm.out
    m = re.search(r"probe: (\d+) of (\d+) children killed by a fault", out)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) >= 24, out
    faults = SEGFAULT.findall(log)
    gps = re.findall(r"traps: probe\[\d+\] general protection fault ip:", log)
    # one line per child: page faults, and #GP for the non-canonical address
    assert len(faults) + len(gps) == int(m.group(2)), (len(faults), len(gps))
    assert {f[0] for f in faults} == {"probe"}
    # error code bit 2 (user) always set; instruction fetches have bit 4
    assert all(int(f[5], 16) & 4 for f in faults), faults
    assert any(int(f[5], 16) & 0x10 for f in faults), "no exec probe"
    assert "hello from pid" in after, after


def test_probe_children_die_kernel_lives_cpu_max():
    run_probe("max")


def test_probe_children_die_kernel_lives_cpu_qemu64():
    run_probe("qemu64")


def test_device_memory_in_user_space():
    """One boot, two programs mapping device memory (remap_pfn_range): the
    kernel buffer, then the VGA text screen."""
    with Qemu() as vm:
        vm.wait_prompt()
        yield check_kbufdemo_round_trip_both_ways, vm
        yield check_vgademo_draws_on_the_text_screen, vm


def check_kbufdemo_round_trip_both_ways(vm):
    vm.command("kbuf write kernel-says-XYZ")
    out = vm.command("run kbufdemo user-says-QRS")
    shown = vm.command("kbuf")
    phys = int(re.search(r"at phys 0x([0-9a-f]+)", shown).group(1), 16)
    raw = pmem(vm, phys, 4096)
    assert 'kbufdemo: kernel wrote: "kernel-says-XYZ"' in out, out
    assert 'kbuf[2048]: "user-says-QRS"' in shown, shown
    # the bytes are in that physical page, as the device (QEMU) sees it
    assert raw[:16] == b"kernel-says-XYZ\0", raw[:16]
    assert raw[2048:2062] == b"user-says-QRS\0", raw[2048:2062]


def check_vgademo_draws_on_the_text_screen(vm):
    out = vm.command("run vgademo Carta-VGA-TEST")
    screen = pmem(vm, 0xb8000, 4000)
    assert re.search(r"vgademo: wrote 14 cells at row 12 \(0x[0-9a-f]+\)", out), out
    # the console echoed the command line too (attribute 0x07); the
    # program's cells are the ones in yellow on blue
    chars = screen[0::2].decode("latin-1")
    hits = [m.start() for m in re.finditer("Carta-VGA-TEST", chars)]
    assert any(all(screen[2 * (i + k) + 1] == 0x1e for k in range(14)) for i in hits), \
        [screen[2 * i + 1:2 * i + 28:2] for i in hits]


def test_memhog_gets_enomem_and_everything_comes_back():
    with Qemu(mem="64M") as vm:
        vm.wait_prompt()
        out, = leaves_no_trace(vm, ["run memhog"], timeout=120)
    m = re.search(r"memhog: mmap failed with -ENOMEM after (\d+) MiB", out)
    assert m and 16 < int(m.group(1)) < 64, out
    assert "Out of memory" not in out and "Kernel panic" not in out, out


def test_1000_spawns_of_hello_and_memhog_leak_nothing():
    with Qemu() as vm:
        vm.wait_prompt()
        vm.command("run spawner 10 hello", timeout=60)        # caches warmed up
        vm.command("run spawner 10 memhog 2", timeout=60)
        before = meminfo(vm)
        a = vm.command("run spawner 1000 hello", timeout=300)
        b = vm.command("run spawner 1000 memhog 2", timeout=300)
        after = meminfo(vm)
        pgds = vm.command("checkpgd")
    assert "spawner: 1000 runs, 1000 clean exits, 0 failures" in a, a[-300:]
    assert "spawner: 1000 runs, 1000 clean exits, 0 failures" in b, b[-300:]
    assert after["MemFree"] == before["MemFree"], (before, after)
    assert after["PageTables"] == before["PageTables"], (before, after)
    assert after["Slab"] == before["Slab"], (before, after)
    assert "checkpgd: 0 PGDs besides the kernel's" in pgds, pgds


BAD_ELF = {
    "bad_magic": r"bad magic",
    "bad_machine": r"e_machine 3",
    "bad_class": r"class",
    "truncated": r"truncated",
    "phdr_outside": r"program headers",
    "kernel_half": r"0xffff888000000000",
    "huge": r"huge",
    "overlap": r"overlaps",
    "filesz_gt_memsz": r"p_filesz",
    "entry_outside": r"entry",
    "wrap": r"0x7ffffffff000",
}


def test_with_the_test_initramfs():
    """One boot with the malformed ELF files in the initramfs: each refused,
    then the system calls that get them as arguments; each leaves no trace."""
    with Qemu(initramfs=INITRAMFS_TEST) as vm:
        vm.wait_prompt()
        yield check_malformed_elf_files_refused_in_one_line_nothing_leaked, vm
        yield check_bad_syscall_arguments_get_documented_errors, vm


def check_malformed_elf_files_refused_in_one_line_nothing_leaked(vm):
    # the fixtures come only in the test initramfs, never in what `make run` boots
    with open(INITRAMFS_TEST, "rb") as f:
        test_files = dict(read_newc(f.read()))
    with open(INITRAMFS, "rb") as f:
        boot_files = dict(read_newc(f.read()))
    assert set(BAD_ELF) == set(test_files) - set(boot_files), sorted(test_files)
    outs = leaves_no_trace(vm, [f"run {name}" for name in BAD_ELF])
    for (name, why), out in zip(BAD_ELF.items(), outs):
        line = re.search(r"spawn: %s: (.*)$" % name, out, re.M)
        assert line and re.search(why, line.group(1), re.I), (name, out)
        assert f"run: {name}: exec format error (-8)" in out, (name, out)


def check_bad_syscall_arguments_get_documented_errors(vm):
    out, = leaves_no_trace(vm, ["run badcalls"])   # spawn("bad_magic") needs the fixtures
    assert "badcalls: 0 failures" in out, out
    assert re.search(r'spawn\("bad_magic", argv\) += -8 ok', out), out
    assert len(re.findall(r" ok$", out, re.M)) >= 30, out


def test_preemption_kill_and_ctrl_c():
    with Qemu() as vm:
        vm.wait_prompt()
        pid = re.search(r"\[(\d+)\] spin", vm.command("run spin &")).group(1)
        ps = vm.command("ps")           # answered while spin holds the CPU
        ps2 = vm.command("ps")
        vm.command(f"kill {pid}")
        done = vm.command("ps")         # a zombie, reaped at the prompt
        gone = vm.command("ps")
        bad = vm.command("kill 1") + vm.command("kill 9999")
        start = len(vm.out)
        vm.send("run spin\r")
        vm.wait_for(r"run spin\r?\n", 10, start)
        time.sleep(1)   # the shell sets the foreground pid after the echo
        vm.send("\x03")
        fg = vm.wait_for(r"spin\[(\d+)\]: killed by signal 9 \(SIGKILL\)", 20, start)
        vm.wait_prompt()
    assert re.search(r"^\s+%s\s+1 [RS] spin" % pid, ps, re.M), ps
    assert re.search(r"^\s+%s\s+1 [RS] spin" % pid, ps2, re.M), ps2
    assert re.search(r"\[%s\] done, status 0x9" % pid, done), done
    assert re.search(r"^\s+%s\s+1 Z spin" % pid, done, re.M), done
    assert not re.search(r"^\s+%s\s" % pid, gone, re.M), gone
    assert "kill: (1) - operation not permitted" in bad, bad
    assert "kill: (9999) - no such process" in bad, bad
    assert fg
