#!/usr/bin/env python3
"""Write malformed copies of a good user program for the ELF loader's tests.

usage: mkbadelf.py GOOD_ELF OUTDIR

Each file in OUTDIR is GOOD_ELF with one defect (the name says which), so a
loader that refuses it must have refused it for that defect. Field layouts
are the ELF-64 spec's (kernel/elf.h has the same structs in C).
"""
import os
import struct
import sys

# Elf64_Ehdr and Elf64_Phdr, little-endian (x86-64)
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
EHDR_FIELDS = ("e_ident", "e_type", "e_machine", "e_version", "e_entry", "e_phoff",
               "e_shoff", "e_flags", "e_ehsize", "e_phentsize", "e_phnum",
               "e_shentsize", "e_shnum", "e_shstrndx")
PHDR = struct.Struct("<IIQQQQQQ")
PHDR_FIELDS = ("p_type", "p_flags", "p_offset", "p_vaddr", "p_paddr",
               "p_filesz", "p_memsz", "p_align")
PT_LOAD = 1
EI_CLASS, ELFCLASS32 = 4, 1
EM_386 = 3
PAGE = 4096
KERNEL_HALF = 0xffff888000000000        # the direct map's start
USER_HALF_LAST_PAGE = 0x7ffffffff000    # + 0x2000 crosses 0x800000000000


class Elf:
    """The good file, with its header and PT_LOAD headers parsed."""

    def __init__(self, data):
        self.data = bytes(data)
        h = self.ehdr()
        ident = h["e_ident"]
        if ident[:4] != b"\x7fELF" or ident[EI_CLASS] != 2 or ident[5] != 1:
            raise ValueError("not a little-endian ELF64 file")
        self.phoff, self.phentsize, self.phnum = h["e_phoff"], h["e_phentsize"], h["e_phnum"]
        if self.phentsize != PHDR.size or self.phoff + self.phnum * PHDR.size > len(data):
            raise ValueError("program header table is not where the header says")
        # offsets of the PT_LOAD program headers, in file order
        self.loads = [off for off in self.phdr_offsets()
                      if PHDR.unpack_from(data, off)[0] == PT_LOAD]
        if len(self.loads) < 2:
            raise ValueError("need at least two PT_LOAD segments")

    def phdr_offsets(self):
        return [self.phoff + i * self.phentsize for i in range(self.phnum)]

    def ehdr(self):
        """The file header as a dict of its fields."""
        return dict(zip(EHDR_FIELDS, EHDR.unpack_from(self.data, 0)))

    def phdr(self, n):
        """PT_LOAD number n as a dict of its fields."""
        return dict(zip(PHDR_FIELDS, PHDR.unpack_from(self.data, self.loads[n])))

    def with_ehdr(self, **fields):
        """A copy with the named file-header fields replaced."""
        h = self.ehdr()
        h.update(fields)
        out = bytearray(self.data)
        EHDR.pack_into(out, 0, *(h[f] for f in EHDR_FIELDS))
        return bytes(out)

    def with_phdr(self, n, **fields):
        """A copy with the named fields of PT_LOAD number n replaced."""
        p = self.phdr(n)
        p.update(fields)
        out = bytearray(self.data)
        PHDR.pack_into(out, self.loads[n], *(p[f] for f in PHDR_FIELDS))
        return bytes(out)


def variants(elf):
    """{file name: contents}: one defect each. Raises ValueError if the good
    file's layout would give some variant a second defect."""
    nlast = len(elf.loads) - 1
    first, last = elf.phdr(0), elf.phdr(nlast)
    ident = bytearray(elf.data[:16])
    bad_magic = b"CRTA" + bytes(ident[4:])
    ident[EI_CLASS] = ELFCLASS32
    # Moved segments must stay congruent to their file offset mod the page
    # size, or the loader could refuse them for that instead.
    for n in (0, 1, nlast):
        if elf.phdr(n)["p_offset"] % PAGE:
            raise ValueError(f"PT_LOAD {n} does not start on a page of the file")
    if first["p_offset"] + first["p_memsz"] + 1 > len(elf.data):
        raise ValueError("first PT_LOAD ends the file; cannot grow its p_filesz")
    if last["p_filesz"] > 0x2000:
        raise ValueError("last PT_LOAD has over 0x2000 file bytes; cannot make 'wrap'")
    return {
        "bad_magic": elf.with_ehdr(e_ident=bad_magic),
        "bad_machine": elf.with_ehdr(e_machine=EM_386),
        "bad_class": elf.with_ehdr(e_ident=bytes(ident)),
        "truncated": elf.data[:100],
        "phdr_outside": elf.with_ehdr(e_phoff=len(elf.data)),
        "kernel_half": elf.with_phdr(0, p_vaddr=KERNEL_HALF),
        # 1 TiB of bss: inside the user half, but more than any machine has
        "huge": elf.with_phdr(nlast, p_memsz=1 << 40),
        "overlap": elf.with_phdr(1, p_vaddr=first["p_vaddr"]),
        # one byte more than memsz, still inside the file: only the sizes disagree
        "filesz_gt_memsz": elf.with_phdr(0, p_filesz=first["p_memsz"] + 1),
        "entry_outside": elf.with_ehdr(e_entry=0x10),
        # starts in the user half's last page, ends in the non-canonical hole
        "wrap": elf.with_phdr(nlast, p_vaddr=USER_HALF_LAST_PAGE, p_memsz=0x2000),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkbadelf.py GOOD_ELF OUTDIR")
    good, outdir = sys.argv[1:]
    with open(good, "rb") as f:
        data = f.read()
    try:
        bad = variants(Elf(data))
    except (ValueError, struct.error) as e:
        sys.exit(f"mkbadelf: {good}: {e}")
    os.makedirs(outdir, exist_ok=True)
    for name, contents in bad.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(contents)


if __name__ == "__main__":
    main()
