"""Build checks: the image is a valid multiboot2 kernel, and the other
compilers the README promises build it too (each into its own build dir)."""
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join(ROOT, "build", "carta.elf")


def make_in(builddir, *args):
    p = subprocess.run(["make", "-C", ROOT, f"B={builddir}", *args, "all"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    elf = os.path.join(ROOT, builddir, "carta.elf")
    check = subprocess.run(["grub-file", "--is-x86-multiboot2", elf])
    assert check.returncode == 0, f"{elf} is not multiboot2"


def test_grub_file_accepts_kernel():
    assert subprocess.run(["grub-file", "--is-x86-multiboot2", KERNEL]).returncode == 0


def test_header_in_first_32K_and_8_aligned():
    data = open(KERNEL, "rb").read(32768)
    off = data.find((0xe85250d6).to_bytes(4, "little"))   # multiboot2 spec 3.1.1
    assert off >= 0 and off % 8 == 0, off
    magic, arch, length, csum = (int.from_bytes(data[off + i:off + i + 4], "little")
                                 for i in (0, 4, 8, 12))
    assert (magic + arch + length + csum) % (1 << 32) == 0


def test_no_assembler_local_labels_in_the_symbol_table():
    """nasm names a macro's %%labels ..@N.name; in the symbol table gdb and
    nm would show them as functions (a frame "..@776.no" in a backtrace)."""
    out = subprocess.run(["nm", KERNEL], capture_output=True, text=True, check=True).stdout
    names = [l.split()[-1] for l in out.splitlines()]
    assert len(names) > 100, names[:5]
    assert not [n for n in names if n.startswith("..@")], [n for n in names if n.startswith("..@")][:5]


def test_clang_builds_and_passes_its_selftests():
    if not shutil.which("clang"):
        return "SKIP clang not installed"
    make_in("build/clang", "CC=clang")
    # the clang kernel boots and its own in-kernel suite passes (exit 33)
    import sys
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import qemu
    iso = os.path.join(ROOT, "build", "clang", "carta-test.iso")
    subprocess.run([os.path.join(ROOT, "scripts", "mkiso.sh"),
                    os.path.join(ROOT, "build", "clang", "carta.elf"), iso, "test"], check=True)
    with qemu.Qemu(iso=iso) as vm:
        rc = vm.wait_exit(120)
        out = vm.out
    assert rc == qemu.EXIT_SUCCESS, (rc, out[-1500:])
    assert "not ok" not in out and re.search(r"^ok \d+ ", out, re.M), out[-1500:]


def test_cross_compile_prefix_builds():
    # No x86_64-elf- toolchain in Debian; its own triplet prefix exercises
    # the same CROSS_COMPILE plumbing (gcc, ld and nm all take the prefix).
    prefix = "x86_64-elf-" if shutil.which("x86_64-elf-gcc") else "x86_64-linux-gnu-"
    if not shutil.which(prefix + "gcc"):
        return "SKIP no cross toolchain"
    make_in("build/cross", f"CROSS_COMPILE={prefix}")


def compile_probe(*defines):
    src = os.path.join(ROOT, "tests", "build", "fixmap_bad_index.c")
    return subprocess.run(["gcc", "-std=gnu11", "-ffreestanding", "-I", ROOT, "-c", src,
                           "-o", "/dev/null", *defines], capture_output=True, text=True)


def test_fix_to_virt_rejects_bad_constant_at_compile_time():
    good = compile_probe("-DFIX_INDEX=FIX_APIC_BASE")
    assert good.returncode == 0, good.stderr
    last = compile_probe("-DFIX_INDEX=(__end_of_fixed_addresses-1)")
    assert last.returncode == 0, last.stderr
    bad = compile_probe()
    assert bad.returncode != 0
    assert "fix_to_virt: index beyond __end_of_fixed_addresses" in bad.stderr, bad.stderr
