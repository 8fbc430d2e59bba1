"""Build checks: the image is a valid multiboot2 kernel, the other
compilers the README promises build it too (each into its own build dir),
and the assembly takes its shared constants from the C headers."""
import os
import re
import shutil
import subprocess
import tempfile

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
    # the clang kernel boots (the default way, PVH: grub-file above vouched
    # for its multiboot2 header) and its own in-kernel suite passes (exit 33)
    import sys
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import qemu
    with qemu.Qemu(cmdline="test", kernel=os.path.join(ROOT, "build", "clang", "carta.elf")) as vm:
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


def test_boot_asm_defines_none_of_the_c_headers_constants():
    """A hand-written %define of a name kernel/asm-offsets.c generates would
    silently win over the header's value (a later %define replaces one)."""
    with open(os.path.join(ROOT, "kernel", "asm-offsets.c")) as f:
        names = set(re.findall(r"^\s*DEFINE\((\w+),", f.read(), re.M))
    assert {"__START_KERNEL_map", "LOAD_PHYSICAL_ADDR", "_KERNPG_TABLE"} <= names, names
    defines = re.compile(r"^\s*%(?:i?x?define|i?assign)\s+(\w+)", re.M)
    bad = []
    for name in sorted(os.listdir(os.path.join(ROOT, "boot"))):
        if name.endswith((".asm", ".inc")):
            with open(os.path.join(ROOT, "boot", name)) as f:
                bad += [f"boot/{name}: {n}" for n in defines.findall(f.read()) if n in names]
    assert not bad, "defined by hand, but generated from the C headers:\n" + "\n".join(bad)


def test_asm_constants_follow_the_c_headers():
    """In a copy of the tree, moving LOAD_PHYSICAL_ADDR in mm/memlayout.h
    makes boot/head.o out of date, and reassembled it loads the new value:
    `mov eax, LOAD_PHYSICAL_ADDR | __PAGE_KERNEL_LARGE_EXEC` (0x183)."""
    obj = os.path.join("build", "obj", "boot", "head.o")
    with tempfile.TemporaryDirectory() as tmp:
        for d in ("boot", "kernel", "mm", "scripts"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(tmp, d))
        os.makedirs(os.path.join(tmp, "user"))
        for f in ("Makefile", os.path.join("user", "user.mk")):
            shutil.copy(os.path.join(ROOT, f), os.path.join(tmp, f))

        def make(*args):
            return subprocess.run(["make", "-C", tmp, *args, obj], capture_output=True,
                                  text=True, timeout=120)

        def built():
            p = make()
            assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
            with open(os.path.join(tmp, "build", "generated", "asm-offsets.inc")) as f:
                inc = f.read()
            with open(os.path.join(tmp, obj), "rb") as f:
                return inc, f.read()

        inc, code = built()
        assert re.search(r"^%define LOAD_PHYSICAL_ADDR\s+0x200000$", inc, re.M), inc
        assert b"\xb8" + (0x200183).to_bytes(4, "little") in code
        assert make("-q").returncode == 0               # up to date
        header = os.path.join(tmp, "mm", "memlayout.h")
        with open(header) as f:
            text = f.read()
        moved = text.replace("LOAD_PHYSICAL_ADDR  0x200000UL", "LOAD_PHYSICAL_ADDR  0x400000UL")
        assert moved != text
        with open(header, "w") as f:
            f.write(moved)
        later = os.stat(os.path.join(tmp, obj)).st_mtime + 2   # whatever the clock's grain
        os.utime(header, (later, later))
        assert make("-q").returncode == 1               # the header change reaches the object
        inc, code = built()
        assert re.search(r"^%define LOAD_PHYSICAL_ADDR\s+0x400000$", inc, re.M), inc
        assert b"\xb8" + (0x400183).to_bytes(4, "little") in code
