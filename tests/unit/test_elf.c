/* Host tests for the ELF64 validator (kernel/elf.c).
 *
 * Files are built here byte by byte at the ELF-64 spec's field offsets (not
 * through kernel/elf.h's structs), then checked three ways:
 *   - valid files, from one PT_LOAD to eight listed out of order, must be
 *     accepted with exactly the segments that were built, sorted;
 *   - each rejection rule is broken once, and the error line must name it;
 *   - random mutations, truncations and random buffers must get the same
 *     accept/reject answer from elf_validate and from model_ok(), a second
 *     checker written differently (byte-assembled fields, 128-bit sums,
 *     page numbers, every pair compared for overlap); accepted images must
 *     satisfy the invariants kernel/elf.h promises.
 * Every call gets a copy that ends where a PROT_NONE page begins, so a read
 * past len faults even inside an asm memcpy that ASan cannot see.
 * ELF_SEED=<n> in the environment replays a random run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "tests/unit/unit.h"
#include "kernel/elf.h"
#include "kernel/errno.h"

#define PG      4096UL
#define MAXBUF  0x4000

/* Field offsets from the ELF-64 spec (figure 2, figure 3). */
enum { E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20, E_ENTRY = 24, E_PHOFF = 32,
       E_SHOFF = 40, E_FLAGS = 48, E_EHSIZE = 52, E_PHENTSIZE = 54, E_PHNUM = 56 };
enum { P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24,
       P_FILESZ = 32, P_MEMSZ = 40, P_ALIGN = 48 };
#define EHSZ 64
#define PHSZ 56
/* kernel/elf.h's structs must have the spec's layout. */
_Static_assert(offsetof(Elf64_Ehdr, e_entry) == E_ENTRY && offsetof(Elf64_Ehdr, e_phnum) == E_PHNUM &&
	       offsetof(Elf64_Ehdr, e_shstrndx) == 62, "Elf64_Ehdr layout");
_Static_assert(offsetof(Elf64_Phdr, p_vaddr) == P_VADDR && offsetof(Elf64_Phdr, p_memsz) == P_MEMSZ &&
	       offsetof(Elf64_Phdr, p_align) == P_ALIGN, "Elf64_Phdr layout");

/* ---- the builder ------------------------------------------------------------ */

struct ph { uint32_t type, flags; uint64_t off, va, fsz, msz; };
struct spec { uint64_t entry, phoff; int nph; struct ph ph[ELF_MAX_PHNUM]; };
struct file { unsigned char b[MAXBUF]; unsigned long len; };

/* Little-endian fields of n bytes, a byte at a time. */
static void put(unsigned char *p, uint64_t v, int n) { while (n--) p[n] = (unsigned char)(v >> 8 * n); }
static uint64_t get(const unsigned char *p, int n) { uint64_t v = 0; while (n--) v = v << 8 | p[n]; return v; }

static int eh_width(int off)
{
	return off == E_VERSION || off == E_FLAGS ? 4 : off >= E_ENTRY && off < E_FLAGS ? 8 : 2;
}

static void set_eh(struct file *f, int off, uint64_t v) { put(f->b + off, v, eh_width(off)); }

static void set_ph(struct file *f, int i, int off, uint64_t v)
{
	put(f->b + get(f->b + E_PHOFF, 8) + (unsigned long)i * PHSZ + off, v, off < 8 ? 4 : 8);
}

/* The file the spec describes: payload pattern, header, program headers. */
static void build(struct file *f, const struct spec *s)
{
	unsigned long end = s->phoff + (unsigned long)s->nph * PHSZ;
	unsigned char *b = f->b;

	for (int i = 0; i < s->nph; i++)
		if (s->ph[i].off + s->ph[i].fsz > end)
			end = s->ph[i].off + s->ph[i].fsz;
	f->len = end < EHSZ ? EHSZ : end;
	for (unsigned long i = 0; i < MAXBUF; i++)
		b[i] = (unsigned char)(i * 131 + 7 + (i >> 8));
	memset(b, 0, EHSZ);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2, b[5] = 1, b[6] = 1;           /* ELFCLASS64, ELFDATA2LSB, EV_CURRENT */
	set_eh(f, E_TYPE, 2);
	set_eh(f, E_MACHINE, 62);
	set_eh(f, E_VERSION, 1);
	set_eh(f, E_ENTRY, s->entry);
	set_eh(f, E_PHOFF, s->phoff);
	set_eh(f, E_EHSIZE, EHSZ);
	set_eh(f, E_PHENTSIZE, PHSZ);
	set_eh(f, E_PHNUM, (uint64_t)s->nph);
	for (int i = 0; i < s->nph; i++) {
		const struct ph *p = &s->ph[i];
		const uint64_t v[] = { p->type, p->flags, p->off, p->va, p->va, p->fsz, p->msz, PG };

		for (int j = 0; j < 8; j++)     /* p_type .. p_align, in spec order */
			set_ph(f, i, j == 0 ? P_TYPE : j == 1 ? P_FLAGS : 8 * j - 8, v[j]);
	}
}

enum { R = 4, W = 2, X = 1, LOAD = 1, NOTE = 4, TLS = 7, GSTACK = 0x6474e551 };

/* What a static `ld` output looks like: text (with the headers) RX at
 * 0x400000, rodata R, data RW with bss, a note and PT_GNU_STACK. */
static const struct spec realistic = { 0x401010, EHSZ, 5, {
	{ LOAD, R | X, 0x0, 0x400000, 0x1234, 0x1234 },
	{ LOAD, R, 0x2000, 0x402000, 0x345, 0x345 },
	{ LOAD, R | W, 0x2f10, 0x403f10, 0x120, 0x2000 },
	{ NOTE, R, 0x200, 0x400200, 0x20, 0x20 },
	{ GSTACK, R | W, 0, 0, 0, 0 },
} };

/* One segment at exactly ELF_MIN_VADDR; the headers end the file. */
static const struct spec minimal = { 0x10040, EHSZ, 1, {
	{ LOAD, R | X, 0, ELF_MIN_VADDR, EHSZ + PHSZ, EHSZ + PHSZ },
} };

/* ELF_MAX_SEGMENTS loads in no order, after the payload, among other types:
 * one ending at exactly ELF_MAX_END, one of ELF_MAX_SEGMENT_SIZE, two
 * sharing a page boundary (0x501000), one bss-only. */
static const struct spec maxed = { 0x10010, 0x900, 10, {
	{ LOAD, R | W, 0x100, ELF_MAX_END - 0x2f00, 0x10, 0x2f00 },
	{ 0 /* PT_NULL */, 0, 0, 0, 0, 0 },
	{ LOAD, R | W, 0, 0x3f0000000000, 0, ELF_MAX_SEGMENT_SIZE },
	{ LOAD, R, 0x200, 0x20000200, 0x100, 0x100 },
	{ TLS, R, 0x200, 0x20000200, 0x10, 0x20 },
	{ LOAD, R | X, 0, 0x501000, 0x40, 0x40 },
	{ LOAD, R | W, 0x800, 0x500800, 0x20, 0x800 },
	{ LOAD, R, 0x400, 0x400400, 0x10, 0x10 },
	{ LOAD, R | X, 0, 0x10000, 0x80, 0x80 },
	{ LOAD, R, 0x500, 0x30500, 0x40, 0x40 },
} };

/* ---- running the validator ---------------------------------------------------- */

static struct elf_image img;
static char err[256];

/* elf_validate on a copy of b[0, len) that ends at a guard page. */
static int validate(const unsigned char *b, unsigned long len)
{
	static unsigned char *guard;

	if (!guard) {
		guard = mmap(NULL, MAXBUF + PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (guard == MAP_FAILED || mprotect(guard + MAXBUF, PG, PROT_NONE))
			abort();
		guard += MAXBUF;
	}
	memcpy(guard - len, b, len);
	return elf_validate(guard - len, len, &img, err, sizeof(err));
}

/* The spec's PT_LOADs, picked in vaddr order by repeated minimum search. */
static void expect_image(const struct spec *s, const struct elf_image *im)
{
	uint64_t prev = 0;
	int n = 0;

	EXPECT_EQ(im->entry, s->entry);
	for (;;) {
		const struct ph *next = NULL;

		for (int i = 0; i < s->nph; i++)
			if (s->ph[i].type == LOAD && (n == 0 || s->ph[i].va > prev) &&
			    (!next || s->ph[i].va < next->va))
				next = &s->ph[i];
		if (!next)
			break;
		if (n < im->nr_segments) {
			const struct elf_segment *g = &im->seg[n];

			EXPECT_EQ(g->vaddr, next->va);
			EXPECT_EQ(g->memsz, next->msz);
			EXPECT_EQ(g->offset, next->off);
			EXPECT_EQ(g->filesz, next->fsz);
			EXPECT_EQ(g->flags, next->flags);
		}
		prev = next->va;
		n++;
	}
	EXPECT_EQ(im->nr_segments, n);
}

static void expect_accepts(const struct spec *s)
{
	static struct file built;
	int ret;

	build(&built, s);
	ret = validate(built.b, built.len);
	if (ret)
		UNIT_DIAG("rejected: %s", err);
	EXPECT_EQ(ret, 0);
	EXPECT_STREQ(err, "");
	expect_image(s, &img);
}

/* Rejected with a message containing want; nothing left in img. */
#define EXPECT_REJECTS(f, want) expect_rejects(f, want, __LINE__)
static void expect_rejects(const struct file *f, const char *want, int line)
{
	int ret = validate(f->b, f->len);

	if (ret != -ENOEXEC || !strstr(err, want))
		UNIT_DIAG("line %d: got %d \"%s\", want -ENOEXEC \"%s\"", line, ret, err, want);
	EXPECT_EQ(ret, -ENOEXEC);
	EXPECT_TRUE(strstr(err, want) != NULL);
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	EXPECT_EQ(img.nr_segments, 0);
	EXPECT_EQ(img.entry, 0);
}

static struct file f;

static void real(void) { build(&f, &realistic); }

/* ---- valid files ------------------------------------------------------------------ */

TEST(accepts_realistic_three_segment_program_with_bss)
{
	expect_accepts(&realistic);
	EXPECT_EQ(img.seg[2].memsz - img.seg[2].filesz, 0x2000 - 0x120);
}

TEST(accepts_one_segment_at_min_vaddr_headers_ending_the_file)
{
	expect_accepts(&minimal);
}

TEST(accepts_eight_loads_unordered_and_sorts_them)
{
	expect_accepts(&maxed);
}

TEST(accepts_32_program_headers)
{
	struct spec s = minimal;

	s.nph = ELF_MAX_PHNUM;          /* 31 zeroed entries: PT_NULL */
	s.ph[0].fsz = s.ph[0].msz = EHSZ + ELF_MAX_PHNUM * PHSZ;
	expect_accepts(&s);
}

TEST(accepts_unaligned_data_and_trailing_bytes)
{
	real();
	EXPECT_EQ(validate(f.b, f.len + 99), 0);        /* at an odd address */
	expect_image(&realistic, &img);
}

TEST(entry_may_be_the_first_or_last_byte_of_an_executable_segment)
{
	real();
	set_eh(&f, E_ENTRY, 0x400000);
	EXPECT_EQ(validate(f.b, f.len), 0);
	set_eh(&f, E_ENTRY, 0x401233);
	EXPECT_EQ(validate(f.b, f.len), 0);
}

/* ---- one field wrong ------------------------------------------------------------------ */

/* A valid file with one field changed is refused with a message naming it:
 * a file-header field of the realistic file at offset off (width bytes), or
 * field of program header i of file base. */
#define EH_REJECTS(name, off, width, v, want)                                    \
	TEST(name) { real(); put(f.b + (off), (v), (width)); EXPECT_REJECTS(&f, want); }
#define PH_REJECTS(name, base, i, field, v, want)                                \
	TEST(name) { build(&f, base); set_ph(&f, i, field, v); EXPECT_REJECTS(&f, want); }

EH_REJECTS(rejects_bad_magic, 3, 1, 'G', "bad magic 7f 45 4c 47")
EH_REJECTS(rejects_elfclass32, 4, 1, 1, "EI_CLASS 1 is not ELFCLASS64 (2)")
EH_REJECTS(rejects_big_endian, 5, 1, 2, "EI_DATA 2 is not ELFDATA2LSB")
EH_REJECTS(rejects_ei_version_0, 6, 1, 0, "EI_VERSION 0 is not EV_CURRENT (1)")
EH_REJECTS(rejects_e_version_2, E_VERSION, 4, 2, "e_version 2 is not EV_CURRENT (1)")
EH_REJECTS(rejects_pie, E_TYPE, 2, 3, "e_type 3 (ET_DYN) is not ET_EXEC (2): position-independent")
EH_REJECTS(rejects_relocatable_object, E_TYPE, 2, 1, "e_type 1 is not ET_EXEC (2)")
EH_REJECTS(rejects_i386, E_MACHINE, 2, 3, "e_machine 3 is not x86-64 (62)")
EH_REJECTS(rejects_elf32_header_size, E_EHSIZE, 2, 52, "e_ehsize 52 is not 64")
EH_REJECTS(rejects_elf32_phentsize, E_PHENTSIZE, 2, 32, "e_phentsize 32 is not 56")
EH_REJECTS(rejects_phnum_0, E_PHNUM, 2, 0, "e_phnum 0 is not in 1..32")
EH_REJECTS(rejects_phnum_33, E_PHNUM, 2, 33, "e_phnum 33 is not in 1..32")
EH_REJECTS(rejects_misaligned_phoff, E_PHOFF, 8, 0x44, "e_phoff 0x44 is not 8-byte aligned")
EH_REJECTS(rejects_program_headers_past_the_end, E_PHOFF, 8, 0x3028,
	   "truncated: file is 12336 bytes, program headers end at 0x3140")
EH_REJECTS(rejects_phoff_wrapping, E_PHOFF, 8, ~7UL,
	   "e_phoff 0xfffffffffffffff8 + 280 bytes of program headers wraps around")
EH_REJECTS(rejects_entry_one_past_text, E_ENTRY, 8, 0x401234,
	   "e_entry 0x401234 is not inside an executable (PF_X) PT_LOAD segment")
EH_REJECTS(rejects_entry_in_rodata, E_ENTRY, 8, 0x402000, "e_entry 0x402000 is not inside")

PH_REJECTS(rejects_interp, &realistic, 3, P_TYPE, 3,
	   "segment 3: PT_INTERP: dynamically linked programs are not supported")
PH_REJECTS(rejects_dynamic, &realistic, 3, P_TYPE, 2, "segment 3: PT_DYNAMIC: dynamically linked")
PH_REJECTS(rejects_filesz_over_memsz, &realistic, 2, P_FILESZ, 0x2001,
	   "segment 2: p_filesz 0x2001 > p_memsz 0x2000")
PH_REJECTS(rejects_empty_segment, &maxed, 2, P_MEMSZ, 0, "segment 2: p_memsz is 0")
PH_REJECTS(rejects_huge_segment, &maxed, 2, P_MEMSZ, ELF_MAX_SEGMENT_SIZE + 1,
	   "segment 2: p_memsz 0x10000001 is huge")
PH_REJECTS(rejects_file_bytes_past_the_end, &realistic, 2, P_FILESZ, 0x121,
	   "segment 2: p_offset 0x2f10 + p_filesz 0x121 is past the end of the file (12336 bytes)")
PH_REJECTS(rejects_file_offset_wrapping, &realistic, 1, P_OFFSET, ~0UL - 0xfff,
	   "segment 1: p_offset 0xfffffffffffff000 + p_filesz 0x345 is past the end")
PH_REJECTS(rejects_vaddr_in_the_low_64k, &realistic, 0, P_VADDR, 0xf000,
	   "segment 0: p_vaddr 0xf000 is below 0x10000")
PH_REJECTS(rejects_vaddr_0, &realistic, 0, P_VADDR, 0, "segment 0: p_vaddr 0x0 is below 0x10000")
PH_REJECTS(rejects_segment_in_the_kernel_half, &maxed, 0, P_VADDR, 0xffff888000000100,
	   "segment 0: p_vaddr 0xffff888000000100 + p_memsz 0x2f00 leaves the user program area")
PH_REJECTS(rejects_segment_one_byte_past_max_end, &maxed, 0, P_MEMSZ, 0x2f01,
	   "segment 0: p_vaddr 0x3fffffffd100 + p_memsz 0x2f01 leaves")
PH_REJECTS(rejects_vaddr_plus_memsz_wrapping, &maxed, 0, P_VADDR, ~0UL - 0xeff,
	   "segment 0: p_vaddr 0xfffffffffffff100 + p_memsz 0x2f00 leaves")
PH_REJECTS(rejects_vaddr_not_congruent_to_offset, &realistic, 2, P_VADDR, 0x403f18,
	   "segment 2: p_vaddr 0x403f18 and p_offset 0x2f10 are not congruent modulo 4096")
PH_REJECTS(rejects_os_specific_flags, &realistic, 1, P_FLAGS, R | 0x00100000,
	   "segment 1: p_flags 0x100004 has bits other than PF_R/PF_W/PF_X")
PH_REJECTS(rejects_flag_bit_3, &realistic, 1, P_FLAGS, R | 8, "p_flags 0xc has bits other")
PH_REJECTS(rejects_unreadable_segment, &realistic, 0, P_FLAGS, X,
	   "segment 0: p_flags 0x1 is not readable (no PF_R)")
PH_REJECTS(rejects_writable_and_executable_segment, &realistic, 0, P_FLAGS, R | W | X,
	   "segment 0: p_flags 0x7 is writable and executable (W^X refused)")

/* ---- the file as a whole -------------------------------------------------------------- */

TEST(rejects_file_shorter_than_elf_header)
{
	real();
	f.len = 63;
	EXPECT_REJECTS(&f, "truncated: file is 63 bytes, the ELF header is 64");
	f.len = 0;
	EXPECT_REJECTS(&f, "truncated: file is 0 bytes");
}

TEST(rejects_file_ending_inside_program_headers)
{
	build(&f, &minimal);
	f.len--;
	EXPECT_REJECTS(&f, "truncated: file is 119 bytes, program headers end at 0x78");
}

TEST(rejects_a_ninth_pt_load)
{
	build(&f, &maxed);
	set_ph(&f, 1, P_TYPE, LOAD);
	set_ph(&f, 1, P_FLAGS, R);
	set_ph(&f, 1, P_VADDR, 0x600000);
	set_ph(&f, 1, P_MEMSZ, 0x10);
	EXPECT_REJECTS(&f, "segment 9: more than 8 PT_LOAD segments");
}

TEST(rejects_no_pt_load)
{
	real();
	for (int i = 0; i < 3; i++)
		set_ph(&f, i, P_TYPE, NOTE);
	EXPECT_REJECTS(&f, "no PT_LOAD segment");
}

TEST(rejects_segments_sharing_a_page)
{
	real();                                         /* text ends at 0x401234 */
	set_ph(&f, 1, P_VADDR, 0x401800);
	set_ph(&f, 1, P_OFFSET, 0x2800);
	EXPECT_REJECTS(&f, "segment 1 overlaps segment 0 at 0x401000");
	real();                 /* rodata moved below text, into its first page */
	set_ph(&f, 1, P_VADDR, 0x3ff800);
	set_ph(&f, 1, P_OFFSET, 0x2800);
	set_ph(&f, 1, P_MEMSZ, 0x900);                  /* ends at 0x400100 */
	EXPECT_REJECTS(&f, "segment 0 overlaps segment 1 at 0x400000");
}

TEST(rejects_segment_inside_another)
{
	build(&f, &maxed);      /* a 1 MiB text at 0x20000 around the one at 0x30500 */
	set_ph(&f, 8, P_VADDR, 0x20000);
	set_ph(&f, 8, P_MEMSZ, 0x100000);
	set_eh(&f, E_ENTRY, 0x20010);
	EXPECT_REJECTS(&f, "segment 9 overlaps segment 8 at 0x30000");
}

/* ---- the error buffer and *out ----------------------------------------------------- */

TEST(err_buffer_length_is_respected)
{
	char buf[16];

	real();
	f.b[3] = 'G';
	EXPECT_EQ(elf_validate(f.b, f.len, &img, NULL, 0), -ENOEXEC);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(elf_validate(f.b, f.len, &img, buf, 0), -ENOEXEC);
	EXPECT_EQ(buf[0], 'x');
	EXPECT_EQ(elf_validate(f.b, f.len, &img, buf, 1), -ENOEXEC);
	EXPECT_EQ(buf[0], 0);
	EXPECT_EQ(buf[1], 'x');
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(elf_validate(f.b, f.len, &img, buf, 10), -ENOEXEC);
	EXPECT_STREQ(buf, "bad magic");
	EXPECT_EQ(buf[10], 'x');
}

TEST(failure_after_success_leaves_out_zeroed)
{
	real();
	EXPECT_EQ(validate(f.b, f.len), 0);
	EXPECT_EQ(img.nr_segments, 3);
	set_ph(&f, 2, P_FLAGS, R | W | X);              /* fails after two segments */
	EXPECT_REJECTS(&f, "W^X");
	for (int i = 0; i < ELF_MAX_SEGMENTS; i++)
		EXPECT_EQ(img.seg[i].vaddr | img.seg[i].memsz | img.seg[i].flags, 0);
}

/* ---- the reference model ----------------------------------------------------------- */

typedef unsigned __int128 u128;
struct mseg { uint64_t va, msz, off, fsz; uint32_t fl; };

/* The rules of kernel/elf.h, restated with spec numbers: true if b[0, len)
 * is acceptable; its PT_LOADs (in file order) in s[0, *n). */
static bool model_ok(const unsigned char *b, unsigned long len, struct mseg *s, int *n)
{
	uint64_t phoff, phnum, entry;

	*n = 0;
	if (len < 64 || memcmp(b, "\x7f" "ELF\x02\x01\x01", 7))
		return false;
	if (get(b + 16, 2) != 2 || get(b + 18, 2) != 62 || get(b + 20, 4) != 1 ||
	    get(b + 52, 2) != 64 || get(b + 54, 2) != 56)
		return false;
	phoff = get(b + 32, 8), phnum = get(b + 56, 2), entry = get(b + 24, 8);
	if (phnum < 1 || phnum > 32 || phoff % 8 || (u128)phoff + phnum * 56 > len)
		return false;
	for (uint64_t i = 0; i < phnum; i++) {
		const unsigned char *p = b + phoff + i * 56;
		uint32_t type = (uint32_t)get(p, 4), fl = (uint32_t)get(p + 4, 4);
		struct mseg m = { get(p + 16, 8), get(p + 40, 8), get(p + 8, 8), get(p + 32, 8), fl };

		if (type == 2 || type == 3)
			return false;
		if (type != 1)
			continue;
		if (*n == 8 || m.fsz > m.msz || m.msz == 0 || m.msz > (256 << 20) ||
		    (u128)m.off + m.fsz > len || m.va < 0x10000 ||
		    (u128)m.va + m.msz > (u128)1 << 46 || m.va % 4096 != m.off % 4096 ||
		    fl > 7 || !(fl & 4) || (fl & 3) == 3)
			return false;
		s[(*n)++] = m;
	}
	if (*n == 0)
		return false;
	for (int i = 0; i < *n; i++)            /* first and last page numbers */
		for (int j = i + 1; j < *n; j++)
			if (s[i].va / 4096 <= (s[j].va + s[j].msz - 1) / 4096 &&
			    s[j].va / 4096 <= (s[i].va + s[i].msz - 1) / 4096)
				return false;
	for (int i = 0; i < *n; i++)
		if ((s[i].fl & 1) && entry >= s[i].va && (u128)entry < (u128)s[i].va + s[i].msz)
			return true;
	return false;
}

/* ---- random runs --------------------------------------------------------------------- */

static uint64_t rng;
static uint64_t rnd(void)       /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t seed;            /* of the running random test */
static int mismatches;

static void seed_from_env(void)
{
	const char *s = getenv("ELF_SEED");

	seed = s ? strtoull(s, NULL, 0) : 0xe1f5eed;
}

/* Compare elf_validate with the model on b[0, len); on accept, check the
 * invariants kernel/elf.h promises. what and iter name the input. */
static bool cross_check(const unsigned char *b, unsigned long len, const char *what, long iter)
{
	struct mseg ms[8];
	int nm, ret = validate(b, len);
	bool want = model_ok(b, len, ms, &nm), bad = (ret == 0) != want;

	if (ret)
		bad |= ret != -ENOEXEC || !err[0] || strchr(err, '\n');
	for (int k = 0; !ret && k < img.nr_segments; k++) {
		const struct elf_segment *s = &img.seg[k];
		bool found = false;

		for (int m = 0; m < nm; m++)
			found |= ms[m].va == s->vaddr && ms[m].msz == s->memsz &&
				 ms[m].off == s->offset && ms[m].fsz == s->filesz && ms[m].fl == s->flags;
		bad |= !found || s->vaddr < ELF_MIN_VADDR || s->memsz > ELF_MAX_END - s->vaddr ||
		       s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset ||
		       (k > 0 && s->vaddr / PG <= (s[-1].vaddr + s[-1].memsz - 1) / PG);
	}
	if (!ret)
		bad |= img.nr_segments != nm || img.entry != get(b + E_ENTRY, 8);
	if (bad && mismatches++ < 5)
		UNIT_DIAG("%s %ld (ELF_SEED=%#llx): len %lu, model %s, elf_validate %d \"%s\"",
			  what, iter, (unsigned long long)seed, len, want ? "accepts" : "rejects", ret, err);
	EXPECT_FALSE(bad);
	return ret == 0;
}

/* A value worth writing into a header field of b[0, len), whose nph
 * program headers are at phoff: limits, the length, a segment's edges. */
static uint64_t interesting(const unsigned char *b, unsigned long len,
			    unsigned long phoff, int nph)
{
	const unsigned char *p = b + phoff + (rnd() % nph) * PHSZ;
	uint64_t va = get(p + P_VADDR, 8), end = va + get(p + P_MEMSZ, 8);
	const uint64_t v[] = {
		0, 1, 7, 8, ELF_MIN_VADDR - 1, ELF_MIN_VADDR, ELF_MAX_END, ELF_MAX_END - 1,
		ELF_MAX_END - PG, ~0UL, ~0UL - PG + 1, len, len + 1, len - 1, 1UL << 40,
		ELF_MAX_SEGMENT_SIZE, ELF_MAX_SEGMENT_SIZE + 1, PG, PG - 1, va, end, end - 1,
		va - PG, end + PG, end & ~(PG - 1), rnd() % MAXBUF, rnd(), 0xffff888000000000,
	};
	uint64_t x = v[rnd() % (sizeof(v) / sizeof(v[0]))];

	return rnd() % 4 ? x : x + (rnd() % 3) - 1;
}

/* One to three changes to the headers of b: a flipped byte, or a field
 * (of the file header or of one program header) set to a value above. */
static void mutate(unsigned char *b, unsigned long len, unsigned long phoff, int nph)
{
	static const int eh[] = { E_TYPE, E_MACHINE, E_VERSION, E_ENTRY, E_PHOFF, E_EHSIZE,
				  E_PHENTSIZE, E_PHNUM, E_ENTRY, E_ENTRY };
	static const int ph[] = { P_FLAGS, P_OFFSET, P_VADDR, P_VADDR, P_FILESZ, P_MEMSZ, P_MEMSZ };
	static const uint32_t types[] = { 0, 1, 1, 2, 3, 4, 6, 7, GSTACK, 0x70000000 };

	for (int k = 1 + rnd() % 3; k--;) {
		unsigned long r = rnd() % 10, at = phoff + (rnd() % nph) * PHSZ;
		int off = ph[rnd() % (sizeof(ph) / sizeof(ph[0]))];

		if (r == 0)
			b[rnd() % EHSZ] ^= (unsigned char)(1 + rnd() % 255);
		else if (r == 1)
			b[at + rnd() % PHSZ] ^= (unsigned char)(1 + rnd() % 255);
		else if (r < 4) {
			off = eh[rnd() % (sizeof(eh) / sizeof(eh[0]))];
			put(b + off, interesting(b, len, phoff, nph), eh_width(off));
		} else if (r == 4)
			put(b + at + P_TYPE, types[rnd() % 10], 4);
		else if (off == P_FLAGS)
			put(b + at + off, rnd() % 8 ? rnd() % 8 : interesting(b, len, phoff, nph), 4);
		else
			put(b + at + off, interesting(b, len, phoff, nph), 8);
	}
}

static const struct spec *const bases[] = { &realistic, &minimal, &maxed };
#define NR_BASES 3

TEST(random_mutations_agree_with_the_model)
{
	static struct file base[NR_BASES], m;
	long accepted = 0, n = 200000;

	seed_from_env();
	for (int k = 0; k < NR_BASES; k++)
		build(&base[k], bases[k]);
	for (long it = 0; it < n; it++) {
		const struct file *b = &base[it % NR_BASES];
		const struct spec *s = bases[it % NR_BASES];
		unsigned long len;

		rng = seed ^ (uint64_t)it * 0x2545f4914f6cdd1dULL;
		memcpy(m.b, b->b, b->len);
		len = rnd() % 8 ? b->len : rnd() % (b->len + 1);
		mutate(m.b, len, s->phoff, s->nph);
		accepted += cross_check(m.b, len, "mutation", it);
	}
	UNIT_DIAG("%ld mutations: %ld accepted, %ld rejected", n, accepted, n - accepted);
	EXPECT_TRUE(accepted > n / 20 && accepted < n - n / 20);
}

TEST(every_truncation_agrees_with_the_model)
{
	for (int k = 0; k < NR_BASES; k++) {
		build(&f, bases[k]);
		for (unsigned long len = 0; len <= f.len; len++)
			EXPECT_EQ(cross_check(f.b, len, "truncation at", (long)len), len == f.len);
	}
}

/* Half fully random bytes; half a good file header before random but
 * plausible program headers (so that some are accepted). */
TEST(random_buffers_agree_with_the_model)
{
	static const uint32_t flags[] = { R, R | X, R | X, R | W, R | W, R | W | X, X, R | 0x10 };
	long accepted = 0, n = 40000;

	seed_from_env();
	for (long it = 0; it < n; it++) {
		unsigned long len;
		int nph;

		rng = seed + (uint64_t)it * 0x9e3779b97f4a7c15ULL;
		len = rnd() % 664;
		nph = 1 + rnd() % 4;
		for (unsigned long i = 0; i < len; i++)
			f.b[i] = (unsigned char)rnd();
		if (it % 2 && len >= EHSZ) {
			build(&f, &minimal);
			set_eh(&f, E_PHNUM, nph);
			for (int i = 0; i < nph; i++) {
				uint64_t off = rnd() % 2 ? 0 : rnd() % len;
				uint64_t va = ELF_MIN_VADDR + (rnd() % 256) * PG + off % PG;

				set_ph(&f, i, P_TYPE, rnd() % 4 ? LOAD : rnd() % 8);
				set_ph(&f, i, P_FLAGS, flags[rnd() % 8]);
				set_ph(&f, i, P_OFFSET, off);
				set_ph(&f, i, P_VADDR, va);
				set_ph(&f, i, P_FILESZ, rnd() % 64);
				set_ph(&f, i, P_MEMSZ, rnd() % (3 * PG));
				if (i == 0)
					set_eh(&f, E_ENTRY, va + rnd() % 128);
			}
		}
		accepted += cross_check(f.b, len, "random buffer", it);
	}
	UNIT_DIAG("%ld random buffers: %ld accepted", n, accepted);
	EXPECT_TRUE(accepted > n / 100);
}
