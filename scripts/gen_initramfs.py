#!/usr/bin/env python3
"""Write (or list) a cpio archive in the "newc" format Linux's initramfs uses.

usage: gen_initramfs.py -o OUT [NAME=]FILE...   archive FILEs, each under
                                                 NAME or its base name
       gen_initramfs.py --list ARCHIVE          one line per file: size, name

The format (Linux's Documentation/driver-api/early-userspace/buffer-format.rst):
every entry is "070701", 13 fields of 8 hex digits, the name with its NUL,
NULs up to a multiple of 4, the data, NULs up to a multiple of 4; an entry
named "TRAILER!!!" ends the archive. Linux's usr/gen_init_cpio.c writes the
same. Entries are sorted by name and carry no time or owner, so the same
files always give the same bytes. kernel/initramfs.c unpacks it; the system
tests read archives back with read_newc() to know what the kernel must find.
"""
import argparse
import os
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
          "devminor", "rdevmajor", "rdevminor", "namesize", "check")
HEADER_LEN = len(MAGIC) + 8 * len(FIELDS)       # 110
S_IFMT, S_IFREG = 0o170000, 0o100000


def pad4(n):
    return -n % 4


def newc_entry(name, data, mode, ino):
    """One entry's bytes: header, name, padding, data, padding."""
    raw = name.encode() + b"\0"
    values = {"ino": ino, "mode": mode, "nlink": 1, "filesize": len(data),
              "namesize": len(raw)}
    head = MAGIC + b"".join(b"%08x" % values.get(f, 0) for f in FIELDS)
    out = head + raw + b"\0" * pad4(len(head) + len(raw))
    return out + data + b"\0" * pad4(len(data))


def write_newc(files):
    """An archive of [(name, data)] as regular files (mode 0755), then the trailer."""
    out = b""
    for ino, (name, data) in enumerate(sorted(files), 1):
        out += newc_entry(name, data, S_IFREG | 0o755, ino)
    return out + newc_entry(TRAILER, b"", 0, 0)


def read_newc(blob):
    """[(name, data)] of the regular files in blob: one archive or several
    concatenated (NULs between them), a later file replacing an earlier one
    of the same name, as kernel/initramfs.c does. Raises ValueError on
    anything malformed."""
    files, off = {}, 0
    while True:
        while off < len(blob) and blob[off] == 0:
            off += 1
        if off == len(blob):
            return list(files.items())
        while True:
            head = blob[off:off + HEADER_LEN]
            if len(head) < HEADER_LEN or head[:6] != MAGIC:
                raise ValueError(f"no newc header at offset {off:#x}")
            f = dict(zip(FIELDS, (int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13))))
            name_at = off + HEADER_LEN
            name = blob[name_at:name_at + f["namesize"] - 1].decode()
            data_at = name_at + f["namesize"] + pad4(HEADER_LEN + f["namesize"])
            data = blob[data_at:data_at + f["filesize"]]
            if len(data) != f["filesize"]:
                raise ValueError(f"{name}: truncated at offset {off:#x}")
            off = data_at + f["filesize"] + pad4(f["filesize"])
            if name == TRAILER:
                break
            if f["mode"] & S_IFMT == S_IFREG:
                files[name.lstrip("/")] = data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", dest="out")
    ap.add_argument("--list", metavar="ARCHIVE")
    ap.add_argument("files", nargs="*", metavar="[NAME=]FILE")
    a = ap.parse_args()
    if a.list:
        with open(a.list, "rb") as f:
            for name, data in read_newc(f.read()):
                print(f"{len(data):8d} {name}")
        return
    if not a.out:
        ap.error("-o OUT is needed to write an archive")
    files = []
    for spec in a.files:
        name, _, path = spec.rpartition("=") if "=" in spec else (os.path.basename(spec), "", spec)
        if not name or len(name) > 63 or "\0" in name:
            sys.exit(f"gen_initramfs: bad name {name!r} for {path} (1 to 63 bytes)")
        if name in (n for n, _ in files):
            sys.exit(f"gen_initramfs: two files named {name!r}")
        with open(path, "rb") as f:
            files.append((name, f.read()))
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(write_newc(files))
    os.replace(tmp, a.out)      # never a half-written archive under the real name


if __name__ == "__main__":
    main()
