/* Unpacking the cpio "newc" initramfs into rootfs (kernel/initramfs.h),
 * with the names of Linux's init/initramfs.c: unpack_to_rootfs walks one
 * buffer, populate_rootfs hands it each boot module.
 *
 * The archive comes from outside the kernel. Every size is checked against
 * the bytes that are left before it is used, every field must be 8 hex
 * digits, and a name must end with its only NUL, so a malformed archive
 * gets one line naming the problem and its offset, and never a read past
 * the buffer. The host unit tests (tests/unit/test_initramfs.c) run this
 * file under ASan and UBSan, with every truncation and random corruption.
 */
#include <stdbool.h>
#include "kernel/initramfs.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

#define CPIO_MAGIC      "070701"        /* newc; "070702" (with checksums) is not taken */
#define CPIO_MAGIC_LEN  6
#define CPIO_FIELD_LEN  8
#define CPIO_HDR_LEN    (CPIO_MAGIC_LEN + NR_CPIO_FIELDS * CPIO_FIELD_LEN)    /* 110 */
#define CPIO_TRAILER    "TRAILER!!!"

/* st_mode's file type bits (POSIX <sys/stat.h>, Linux's include/uapi/linux/stat.h) */
#define S_IFMT          0170000
#define S_IFDIR         0040000
#define S_IFREG         0100000

/* The header fields in order (buffer-format.rst's table). */
enum cpio_field {
	C_INO, C_MODE, C_UID, C_GID, C_NLINK, C_MTIME, C_FILESIZE, C_MAJ, C_MIN,
	C_RMAJ, C_RMIN, C_NAMESIZE, C_CHKSUM, NR_CPIO_FIELDS
};

struct rootfs rootfs;

struct cpio_ctx {
	const uint8_t *buf;
	size_t len;
	uint64_t phys;
	struct rootfs *fs;
	struct boot_err err;
};

/* Up to dstlen - 1 of the n bytes at src, anything unprintable as '?': what
 * an error line may quote from the archive without breaking the line. */
static const char *printable(char *dst, size_t dstlen, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < dstlen && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
	return dst;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

static int hex_digit(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The 110-byte header at off (the caller checked it fits) into f[]. */
static int parse_header(struct cpio_ctx *c, size_t off, uint32_t f[NR_CPIO_FIELDS])
{
	const uint8_t *h = c->buf + off;
	char text[CPIO_FIELD_LEN + 1];

	if (memcmp(h, CPIO_MAGIC, CPIO_MAGIC_LEN))
		return boot_info_fail(&c->err, "bad magic \"%s\" at offset 0x%zx (expected \"" CPIO_MAGIC "\")",
			    printable(text, sizeof(text), h, CPIO_MAGIC_LEN), off);
	for (int i = 0; i < NR_CPIO_FIELDS; i++) {
		const uint8_t *p = h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN;

		f[i] = 0;
		for (int k = 0; k < CPIO_FIELD_LEN; k++) {
			int d = hex_digit(p[k]);

			if (d < 0)
				return boot_info_fail(&c->err, "header field %d \"%s\" at offset 0x%zx is not 8 hex digits",
					    i, printable(text, sizeof(text), p, CPIO_FIELD_LEN),
					    off + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN);
			f[i] = f[i] << 4 | (uint32_t)d;
		}
	}
	return 0;
}

/* "./bin/x", "/bin/x" and "bin/x" are one name. */
static const char *skip_root(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

/* The index of the file called name (its root already skipped), or -1. */
static int rootfs_index(const struct rootfs *fs, const char *name)
{
	for (uint32_t i = 0; i < fs->nr_files && i < INITRAMFS_FILES_MAX; i++)
		if (!strcmp(fs->files[i].name, name))
			return (int)i;
	return -1;
}

const struct initramfs_file *rootfs_lookup(const struct rootfs *fs, const char *name)
{
	int i = rootfs_index(fs, skip_root(name));

	return i < 0 ? NULL : &fs->files[i];
}

/* A regular file's name and bytes [data, data + size) into fs: replacing a
 * file of the same name, as a later archive's file does in Linux. */
static int add_file(struct cpio_ctx *c, const char *name, size_t hdr, size_t data, uint32_t size)
{
	const char *base = skip_root(name);
	size_t n = strlen(base);
	int i = rootfs_index(c->fs, base);
	struct initramfs_file *f = i < 0 ? NULL : &c->fs->files[i];
	char text[48];

	if (!n || n >= INITRAMFS_NAME_MAX)
		return boot_info_fail(&c->err, "file \"%s\" at offset 0x%zx: name of %zu bytes (1 to %d allowed)",
			    printable(text, sizeof(text), (const uint8_t *)name, strlen(name)),
			    hdr, n, INITRAMFS_NAME_MAX - 1);
	if (!f && c->fs->nr_files >= INITRAMFS_FILES_MAX)
		return boot_info_fail(&c->err, "file \"%s\" at offset 0x%zx: more than %d files",
			    printable(text, sizeof(text), (const uint8_t *)base, n), hdr,
			    INITRAMFS_FILES_MAX);
	if (!f)
		f = &c->fs->files[c->fs->nr_files++];
	memcpy(f->name, base, n + 1);
	f->start = c->phys + data;
	f->end = f->start + size;
	return 0;
}

/* The entry whose header is at *off: its name and data must lie inside the
 * buffer. Sets *off to the next entry and *trailer when this one ends the
 * archive. */
static int unpack_entry(struct cpio_ctx *c, size_t *off, bool *trailer)
{
	uint32_t f[NR_CPIO_FIELDS];
	size_t hdr = *off, name, data;
	const char *s;
	char text[48];
	int ret;

	if (c->len - hdr < CPIO_HDR_LEN)
		return boot_info_fail(&c->err, "truncated header at offset 0x%zx (0x%zx bytes left, %d needed)",
			    hdr, c->len - hdr, CPIO_HDR_LEN);
	ret = parse_header(c, hdr, f);
	if (ret)
		return ret;
	name = hdr + CPIO_HDR_LEN;
	s = (const char *)c->buf + name;
	if (f[C_NAMESIZE] == 0 || f[C_NAMESIZE] > c->len - name)
		return boot_info_fail(&c->err, "namesize 0x%x at offset 0x%zx: 1 to 0x%zx bytes are left",
			    f[C_NAMESIZE], hdr, c->len - name);
	if (strnlen(s, f[C_NAMESIZE]) != f[C_NAMESIZE] - 1)
		return boot_info_fail(&c->err, "name \"%s\" at offset 0x%zx: its one NUL is not its last byte (namesize 0x%x)",
			    printable(text, sizeof(text), c->buf + name, f[C_NAMESIZE]), hdr,
			    f[C_NAMESIZE]);
	data = align4(name + f[C_NAMESIZE]);
	if (data > c->len || f[C_FILESIZE] > c->len - data)
		return boot_info_fail(&c->err, "\"%s\" at offset 0x%zx: filesize 0x%x runs past the end of the archive (0x%zx)",
			    printable(text, sizeof(text), c->buf + name, f[C_NAMESIZE]), hdr,
			    f[C_FILESIZE], c->len);
	*off = align4(data + f[C_FILESIZE]);    /* may pass len: then no trailer */
	*trailer = !strcmp(s, CPIO_TRAILER);
	if (*trailer)
		return 0;
	switch (f[C_MODE] & S_IFMT) {
	case S_IFREG:
		return add_file(c, s, hdr, data, f[C_FILESIZE]);
	case S_IFDIR:
		return 0;               /* rootfs is flat: a directory has nothing to add */
	default:
		return boot_info_fail(&c->err, "\"%s\" at offset 0x%zx has mode 0%o: only regular files and directories",
			    printable(text, sizeof(text), c->buf + name, f[C_NAMESIZE]), hdr,
			    f[C_MODE]);
	}
}

/* Archives follow each other, with NULs allowed between them (Linux's
 * unpack_to_rootfs skips them too); each starts 4-byte aligned. */
int unpack_to_rootfs(struct rootfs *fs, const void *buf, size_t len, uint64_t phys,
		     char *err, size_t errlen)
{
	struct cpio_ctx c = { .buf = buf, .len = len, .phys = phys, .fs = fs,
			      .err = { err, errlen } };
	size_t off = 0;
	bool in_archive = false, trailer, found = false;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	for (;;) {
		if (!in_archive) {
			while (off < len && c.buf[off] == 0)
				off++;
			if (off == len)
				break;
			if (off & 3)
				return boot_info_fail(&c.err, "junk at offset 0x%zx: an archive starts 4-byte aligned", off);
			in_archive = found = true;
		}
		if (off >= len)
			return boot_info_fail(&c.err, "no " CPIO_TRAILER " before the end (0x%zx bytes)", len);
		ret = unpack_entry(&c, &off, &trailer);
		if (ret)
			return ret;
		in_archive = !trailer;
	}
	if (!found)
		return boot_info_fail(&c.err, "no cpio archive in 0x%zx bytes", len);
	return 0;
}

#ifndef HOST_TEST
#include "kernel/init.h"
#include "kernel/printk.h"

void __init populate_rootfs(boot_map_phys_t map_phys)
{
	char err[160];

	if (!boot_info.nr_modules)
		pr_warn("initramfs: the loader passed none; run has no programs\n");
	for (uint32_t i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		uint64_t size = m->end - m->start;
		const void *p = map_phys(m->start, size);

		if (!p)
			snprintf(err, sizeof(err), "not readable at boot");
		else if (!unpack_to_rootfs(&rootfs, p, size, m->start, err, sizeof(err))) {
			pr_info("Unpacked initramfs (module %u at 0x%llx, %llu bytes): rootfs has %u files\n",
				i, (unsigned long long)m->start, (unsigned long long)size,
				rootfs.nr_files);
			continue;
		}
		pr_err("Initramfs unpacking failed: %s (module %u at 0x%llx, %llu bytes)\n",
		       err, i, (unsigned long long)m->start, (unsigned long long)size);
	}
}
#endif
