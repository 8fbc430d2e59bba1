"""PVH direct boot: QEMU loads build/carta.elf itself (-kernel, the PVH ELF
note) with the initramfs as -initrd and the command line as -append; no
GRUB, no ISO. The oracles: what QEMU was given (the archive's own files,
the command line, its RAM size) and the same machine booted by GRUB.

These say boot="pvh" themselves; every other system test boots by PVH too
unless it says boot="grub" (scripts/qemu.py's DEFAULT_BOOT), and so does
tests/run.py's in-kernel suite (test_boot.py runs it once through GRUB)."""
import os
import re
import tempfile

from gen_initramfs import read_newc
from qemu import INITRAMFS, Qemu
from test_memmap import check as check_memmap

UNPACKED = re.compile(r"Unpacked initramfs \(module 0 at 0x([0-9a-f]+), (\d+) bytes\): "
                      r"rootfs has (\d+) files")


def archive_files(path=INITRAMFS):
    with open(path, "rb") as f:
        return dict(read_newc(f.read()))


def test_pvh_boot():
    """One PVH boot with a command line of its own: the log, the archive's
    programs, what bootinfo says it was given."""
    cmdline = "testmode loglevel=7 hello=pvh"
    with Qemu(boot="pvh", cmdline=cmdline) as vm:
        vm.wait_prompt()
        yield check_boots_to_the_prompt_with_the_whole_initramfs, vm
        yield check_bootinfo_shows_pvh_and_the_command_line_arrives, vm, cmdline


def check_boots_to_the_prompt_with_the_whole_initramfs(vm):
    files = archive_files()
    outs = {name: vm.command(f"run {name}", timeout=60) for name in ("hello", "spawner 3 hello")}
    boot = vm.out
    assert "booted by PVH direct boot, start info v1 (pvh)" in boot, boot[:2000]
    assert "x86/mm: Checked W+X mappings: passed, no W+X pages found." in boot
    m = UNPACKED.search(boot)
    assert m and int(m.group(2)) == os.path.getsize(INITRAMFS), boot[:2000]
    assert int(m.group(3)) == len(files), (m.group(0), sorted(files))
    assert re.search(r"^hello from pid \d+$", outs["hello"], re.M), outs
    assert "spawner: 3 runs, 3 clean exits, 0 failures" in outs["spawner 3 hello"], outs


def check_bootinfo_shows_pvh_and_the_command_line_arrives(vm, cmdline):
    out = vm.command("bootinfo")
    log = vm.out
    assert re.search(r"^protocol:\s+pvh \(info at 0x[0-9a-f]+, 56 bytes\)$", out, re.M), out
    assert re.search(r"^bootloader:\s+PVH direct boot, start info v1$", out, re.M), out
    assert re.search(r"^cmdline:\s+%s$" % re.escape(cmdline), out, re.M), out
    assert f"Command line: {cmdline}" in log, log[:2000]
    assert 'Unknown kernel command line parameters "hello=pvh"' in log
    # the one module is the initramfs, as big as the file QEMU was given
    assert re.search(r"^modules:\s+1$", out, re.M), out
    start, end = (int(x, 16) for x in re.search(r"\[mem 0x(\w+)-0x(\w+)\]", out).groups())
    assert end - start + 1 == os.path.getsize(INITRAMFS), out
    assert "ACPI RSDP:   v" in out, out


def test_memmap_is_the_e820_map_grub_gets():
    # both come from SeaBIOS's int 15h e820 (GRUB's mmap, pvh.bin's memmap)
    pvh, ram = check_memmap("256M", boot="pvh")
    grub, _ = check_memmap("256M", boot="grub")
    assert pvh == grub, (pvh, grub)


def boot_with(blob, cmd="run hello"):
    """Boots by PVH with blob as the initramfs: (boot log, what cmd printed)."""
    fd, path = tempfile.mkstemp(prefix="carta-initrd-")
    with os.fdopen(fd, "wb") as f:
        f.write(blob)
    try:
        with Qemu(boot="pvh", initramfs=path) as vm:
            vm.wait_prompt()
            out = vm.command(cmd)
            return vm.out, out
    finally:
        os.unlink(path)


def test_corrupted_initramfs_gets_one_line_and_the_boot_goes_on():
    with open(INITRAMFS, "rb") as f:
        good = f.read()
    names = sorted(archive_files())         # the archive's order
    after = names[names.index("hello") + 1]
    # cut 200 bytes past the name of the file after hello, inside its data:
    # hello and the files before it survive
    log, out = boot_with(good[:good.index(after.encode() + b"\0") + 200])
    lines = [l for l in log.splitlines() if "nitramfs" in l]
    assert len(lines) == 1, lines
    assert re.search(r'Initramfs unpacking failed: "%s" at offset 0x[0-9a-f]+: filesize '
                     r'0x[0-9a-f]+ runs past the end' % after, lines[0]), lines
    assert re.search(r"^hello from pid \d+$", out, re.M), out
    # a bad magic: nothing unpacked, the shell still there
    log, out = boot_with(b"070707" + good[6:])
    lines = [l for l in log.splitlines() if "nitramfs" in l]
    assert len(lines) == 1 and 'bad magic "070707" at offset 0x0' in lines[0], lines
    assert "run: hello: no such program (-2)" in out, out
