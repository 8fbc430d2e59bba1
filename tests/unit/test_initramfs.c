/* Host tests for the initramfs unpacker (kernel/initramfs.c): archives in
 * the cpio "newc" format, built here field by field as Linux's
 * buffer-format.rst describes them, unpacked into a struct rootfs.
 * Directed cases first (files, names, directories, concatenated archives),
 * then malformed ones (bad magic, bad fields and sizes, names without NUL,
 * no trailer, junk, too many files), every truncation and random corruption.
 *
 * Every unpack runs on an exact-size heap copy, so ASan reports any read
 * past the archive.
 */
#define _GNU_SOURCE             /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "kernel/initramfs.h"
#include "kernel/errno.h"

#define PHYS     0x1000000ull   /* where the archive "is" */
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFLNK  0120000

/* ---- the builder ------------------------------------------------------------- */

struct cpio {
	uint8_t buf[1 << 16];
	size_t len;
};

static struct cpio a;

static void put(struct cpio *c, const void *src, size_t n)
{
	if (n)
		memcpy(c->buf + c->len, src, n);
	c->len += n;
}

static void pad4(struct cpio *c)
{
	while (c->len % 4)
		c->buf[c->len++] = 0;
}

/* One entry with the given header values; the name is namelen raw bytes
 * (NUL included or not), the data n bytes. Returns the header's offset. */
static size_t raw_entry(struct cpio *c, uint32_t mode, uint32_t namesize, const void *name,
			size_t namelen, uint32_t filesize, const void *data, size_t n)
{
	uint32_t f[13] = { 1, mode, 0, 0, 1, 0, filesize, 0, 0, 0, 0, namesize, 0 };
	size_t at = c->len;
	char field[9];

	put(c, "070701", 6);
	for (int i = 0; i < 13; i++) {
		snprintf(field, sizeof(field), "%08x", f[i]);
		put(c, field, 8);
	}
	put(c, name, namelen);
	pad4(c);
	put(c, data, n);
	pad4(c);
	return at;
}

static size_t entry(struct cpio *c, const char *name, uint32_t mode, const void *data, size_t n)
{
	size_t len = strlen(name) + 1;

	return raw_entry(c, mode, (uint32_t)len, name, len, (uint32_t)n, data, n);
}

static size_t file(struct cpio *c, const char *name, const char *text)
{
	return entry(c, name, S_IFREG | 0755, text, strlen(text));
}

static void trailer(struct cpio *c)
{
	entry(c, "TRAILER!!!", 0, NULL, 0);
}

/* The offset of the first byte of text in the archive. */
static uint64_t offset_of(const struct cpio *c, const char *text)
{
	return (uint64_t)((const uint8_t *)memmem(c->buf, c->len, text, strlen(text)) - c->buf);
}

/* ---- running the unpacker ---------------------------------------------------------- */

static struct rootfs fs;
static char err[256];

static int unpack_n(const struct cpio *c, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, c->buf, len);
	memset(err, 0x5a, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	ret = unpack_to_rootfs(&fs, copy, len, PHYS, err, sizeof(err));
	free(copy);
	return ret;
}

static int unpack(const struct cpio *c)
{
	memset(&fs, 0, sizeof(fs));
	return unpack_n(c, c->len);
}

static void expect_einval(int ret, const char *needle)
{
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TRUE(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	if (needle && !strstr(err, needle))
		EXPECT_STREQ(err, needle);      /* prints both */
}

/* name is in fs, with the bytes of text at its place in the archive. */
static void expect_file(const char *name, const char *text)
{
	const struct initramfs_file *f = rootfs_lookup(&fs, name);

	EXPECT_TRUE(f != NULL);
	if (!f)
		return;
	EXPECT_EQ(f->end - f->start, strlen(text));
	if (*text)
		EXPECT_EQ(f->start, PHYS + offset_of(&a, text));
}

static void reset(void)
{
	memset(&a, 0, sizeof(a));
}

/* ---- valid archives -------------------------------------------------------------------- */

TEST(unpacks_regular_files_where_they_lie)
{
	reset();
	file(&a, "hello", "hello's bytes");
	file(&a, "memhog", "memhog's bytes, a few more of them");
	file(&a, "empty", "");
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(fs.nr_files, 3);
	expect_file("hello", "hello's bytes");
	expect_file("memhog", "memhog's bytes, a few more of them");
	expect_file("empty", "");
	EXPECT_TRUE(rootfs_lookup(&fs, "hell") == NULL);
	EXPECT_TRUE(rootfs_lookup(&fs, "TRAILER!!!") == NULL);
}

/* Name lengths 1..8 put the data at every alignment the padding can give. */
TEST(padding_of_names_and_data_is_to_4_bytes)
{
	static const char *names[] = { "a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh" };
	char text[16];

	reset();
	for (int i = 0; i < 8; i++) {
		snprintf(text, sizeof(text), "<%.*s>", i, "0123456789");
		file(&a, names[i], text);
	}
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_EQ(fs.nr_files, 8);
	for (int i = 0; i < 8; i++) {
		snprintf(text, sizeof(text), "<%.*s>", i, "0123456789");
		expect_file(names[i], text);
		EXPECT_EQ((rootfs_lookup(&fs, names[i])->start - PHYS) % 4, 0);
	}
}

TEST(leading_slash_and_dot_slash_are_dropped)
{
	reset();
	file(&a, "./bin/x", "x's bytes");
	file(&a, "/y", "y's bytes");
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_STREQ(fs.files[0].name, "bin/x");
	expect_file("/bin/x", "x's bytes");
	expect_file("./././y", "y's bytes");
	expect_file("//y", "y's bytes");
}

/* `find . | cpio -o -H newc` starts with ".", and has directories. */
TEST(directories_are_skipped)
{
	reset();
	entry(&a, ".", S_IFDIR | 0755, NULL, 0);
	entry(&a, "bin", S_IFDIR | 0755, NULL, 0);
	file(&a, "bin/hello", "hi");
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_EQ(fs.nr_files, 1);
	expect_file("bin/hello", "hi");
}

/* Two archives back to back, NULs between them and after: both unpacked, a
 * later file replacing an earlier one of the same name (Linux does both). */
TEST(concatenated_archives_add_and_replace)
{
	reset();
	file(&a, "hello", "first hello");
	file(&a, "spin", "spin's bytes");
	trailer(&a);
	a.len += 512;                   /* NULs, as cpio's block padding */
	file(&a, "hello", "second hello");
	file(&a, "bad_magic", "not an ELF");
	trailer(&a);
	a.len += 7;
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_EQ(fs.nr_files, 3);
	expect_file("hello", "second hello");
	expect_file("spin", "spin's bytes");
	expect_file("bad_magic", "not an ELF");
}

TEST(unpacking_twice_adds_to_the_same_rootfs)
{
	reset();
	file(&a, "one", "1");
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	reset();
	file(&a, "two", "2");
	trailer(&a);
	EXPECT_EQ(unpack_n(&a, a.len), 0);
	EXPECT_EQ(fs.nr_files, 2);
}

TEST(name_of_63_bytes_fits)
{
	char name[64];

	reset();
	memset(name, 'n', 63);
	name[63] = '\0';
	file(&a, name, "long");
	trailer(&a);
	EXPECT_EQ(unpack(&a), 0);
	expect_file(name, "long");
}

/* ---- malformed archives ----------------------------------------------------------------- */

TEST(rejects_empty_or_all_nul)
{
	reset();
	expect_einval(unpack(&a), "no cpio archive in 0x0 bytes");
	a.len = 100;
	expect_einval(unpack(&a), "no cpio archive in 0x64 bytes");
}

TEST(rejects_bad_magic_quoting_it_printably)
{
	reset();
	file(&a, "x", "y");
	trailer(&a);
	memcpy(a.buf, "07070\n", 6);
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "bad magic \"07070?\" at offset 0x0 (expected \"070701\")");
	memcpy(a.buf, "070702", 6);     /* newc with checksums: not taken */
	expect_einval(unpack(&a), "bad magic \"070702\"");
	memcpy(a.buf, "\x7f" "ELF\x02\x01", 6);  /* an ELF module, as GRUB used to load */
	expect_einval(unpack(&a), "bad magic \"?ELF??\"");
}

TEST(rejects_fields_that_are_not_hex)
{
	reset();
	file(&a, "x", "y");
	trailer(&a);
	a.buf[6 + 6 * 8 + 3] = 'g';     /* in filesize */
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "header field 6 \"000g0001\" at offset 0x36 is not 8 hex digits");
	a.buf[6 + 6 * 8 + 3] = ' ';
	expect_einval(unpack(&a), "header field 6");
}

TEST(rejects_truncated_header)
{
	reset();
	file(&a, "x", "y");
	trailer(&a);
	expect_einval(unpack_n(&a, 109), "truncated header at offset 0x0 (0x6d bytes left, 110 needed)");
}

TEST(rejects_bad_namesize)
{
	reset();
	raw_entry(&a, S_IFREG, 0, "", 0, 0, NULL, 0);
	trailer(&a);
	expect_einval(unpack(&a), "namesize 0x0 at offset 0x0");
	reset();
	raw_entry(&a, S_IFREG, 0xffffffff, "x", 2, 0, NULL, 0);
	trailer(&a);
	expect_einval(unpack(&a), "namesize 0xffffffff at offset 0x0");
}

TEST(rejects_names_without_their_nul_at_the_end)
{
	reset();
	raw_entry(&a, S_IFREG, 4, "abcd", 4, 0, NULL, 0);       /* no NUL */
	trailer(&a);
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "name \"abcd\" at offset 0x0: its one NUL is not its last byte (namesize 0x4)");
	reset();
	raw_entry(&a, S_IFREG, 6, "ab\0cd", 6, 0, NULL, 0);     /* a NUL inside */
	trailer(&a);
	expect_einval(unpack(&a), "its one NUL is not its last byte");
	reset();
	raw_entry(&a, S_IFREG, 3, "a\nb", 3, 0, NULL, 0);       /* still one line */
	trailer(&a);
	expect_einval(unpack(&a), "name \"a?b\"");
}

TEST(rejects_data_past_the_end)
{
	reset();
	raw_entry(&a, S_IFREG | 0755, 6, "hello", 6, 0xffffffff, "abc", 3);
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "\"hello\" at offset 0x0: filesize 0xffffffff runs past the end of the archive (0x78)");
	reset();
	file(&a, "hello", "abcd");
	expect_einval(unpack_n(&a, a.len - 1), "filesize 0x4 runs past the end");
}

TEST(rejects_archive_without_trailer_keeping_files_before)
{
	reset();
	file(&a, "hello", "abcd");
	file(&a, "spin", "efgh");
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "no TRAILER!!! before the end (0xf0 bytes)");
	EXPECT_EQ(fs.nr_files, 2);
	expect_file("spin", "efgh");
}

TEST(rejects_junk_after_trailer)
{
	reset();
	file(&a, "hello", "abcd");
	trailer(&a);
	a.buf[a.len + 1] = 'j';         /* not 4-byte aligned */
	a.len += 8;
	expect_einval(unpack(&a), "junk at offset 0xf5: an archive starts 4-byte aligned");
	EXPECT_EQ(fs.nr_files, 1);
	a.buf[a.len - 7] = 0;
	a.buf[a.len - 4] = 'j';         /* aligned, but not a header */
	expect_einval(unpack(&a), "truncated header at offset 0xf8");
}

TEST(rejects_symlinks_and_devices)
{
	reset();
	entry(&a, "link", S_IFLNK | 0777, "hello", 5);
	trailer(&a);
	expect_einval(unpack(&a), NULL);
	EXPECT_STREQ(err, "\"link\" at offset 0x0 has mode 0120777: only regular files and directories");
	reset();
	entry(&a, "dev/console", 0020600, NULL, 0);
	trailer(&a);
	expect_einval(unpack(&a), "has mode 020600");
}

TEST(rejects_names_of_64_bytes_or_empty)
{
	char name[65];

	reset();
	memset(name, 'n', 64);
	name[64] = '\0';
	file(&a, name, "long");
	trailer(&a);
	expect_einval(unpack(&a), "name of 64 bytes (1 to 63 allowed)");
	reset();
	file(&a, "./", "nameless");
	trailer(&a);
	expect_einval(unpack(&a), "file \"./\" at offset 0x0: name of 0 bytes");
}

/* More files than rootfs holds: the first INITRAMFS_FILES_MAX stay, and a
 * file that replaces one of them is still fine. */
TEST(rejects_more_files_than_rootfs_holds)
{
	char name[16];
	size_t at;

	reset();
	for (int i = 0; i < INITRAMFS_FILES_MAX; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		file(&a, name, "data");
	}
	file(&a, "f7", "again");
	at = file(&a, "one-too-many", "data");
	trailer(&a);
	expect_einval(unpack(&a), NULL);
	EXPECT_EQ(fs.nr_files, INITRAMFS_FILES_MAX);
	expect_file("f7", "again");
	EXPECT_TRUE(rootfs_lookup(&fs, "one-too-many") == NULL);
	snprintf(name, sizeof(name), "offset 0x%zx", at);
	expect_einval(-EINVAL, name);
	expect_einval(-EINVAL, "more than 64 files");
}

TEST(error_message_fits_small_buffers)
{
	char small[8];

	reset();
	a.len = 4;
	EXPECT_EQ(unpack_to_rootfs(&fs, a.buf, a.len, PHYS, small, sizeof(small)), -EINVAL);
	EXPECT_EQ(strnlen(small, sizeof(small)), 7);
	EXPECT_EQ(unpack_to_rootfs(&fs, a.buf, a.len, PHYS, NULL, 0), -EINVAL);
}

/* ---- truncation and random corruption ------------------------------------------------------ */

/* What any unpack leaves, whatever the bytes: names NUL-terminated and
 * short, each file inside the len bytes at PHYS. */
static void check_sane(size_t len)
{
	EXPECT_TRUE(fs.nr_files <= INITRAMFS_FILES_MAX);
	for (uint32_t i = 0; i < fs.nr_files && i < INITRAMFS_FILES_MAX; i++) {
		const struct initramfs_file *f = &fs.files[i];

		EXPECT_TRUE(strnlen(f->name, sizeof(f->name)) < sizeof(f->name));
		EXPECT_TRUE(f->name[0] != '\0' && f->name[0] != '/');
		EXPECT_TRUE(f->start >= PHYS && f->start <= f->end && f->end <= PHYS + len);
	}
}

static void build_three(void)
{
	reset();
	entry(&a, ".", S_IFDIR | 0755, NULL, 0);
	file(&a, "hello", "hello's bytes, 23 of them");
	file(&a, "spin", "spin's code");
	file(&a, "memhog", "");
	trailer(&a);
}

/* Cut at every length: rejected until whole, never a file past the cut,
 * and the files whose entries were whole are there. */
TEST(every_truncation_is_rejected_and_keeps_whole_entries)
{
	build_three();
	for (size_t len = 0; len < a.len; len++) {
		memset(&fs, 0, sizeof(fs));
		expect_einval(unpack_n(&a, len), NULL);
		check_sane(len);
		if (len >= offset_of(&a, "spin's code") + strlen("spin's code"))
			expect_file("spin", "spin's code");
	}
	EXPECT_EQ(unpack(&a), 0);
	EXPECT_EQ(fs.nr_files, 3);
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

TEST(random_corruption_never_crashes)
{
	uint64_t seed = 0x2545f4914f6cdd1dull;
	int accepted = 0, rejected = 0;
	struct cpio good;

	build_three();
	good = a;
	for (int iter = 0; iter < 20000; iter++) {
		int flips = 1 + (int)(xorshift64(&seed) % 4), ret;

		a = good;
		for (int f = 0; f < flips; f++) {
			size_t at = xorshift64(&seed) % a.len;

			/* half the time a hex digit, so sizes change and stay parseable */
			a.buf[at] = xorshift64(&seed) % 2 ? "0123456789abcdef"[xorshift64(&seed) % 16]
							: (uint8_t)xorshift64(&seed);
		}
		memset(&fs, 0, sizeof(fs));
		ret = unpack_n(&a, a.len);
		if (ret == 0)
			accepted++;
		else {
			rejected++;
			expect_einval(ret, NULL);
		}
		check_sane(a.len);
	}
	UNIT_DIAG("random corruption: %d accepted, %d rejected", accepted, rejected);
	EXPECT_TRUE(accepted > 1000);
	EXPECT_TRUE(rejected > 1000);
}
