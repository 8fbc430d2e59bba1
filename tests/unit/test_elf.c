/* Host tests for the ELF64 validator (kernel/elf.c): files made by
 * elf_builder.h (byte by byte at the ELF-64 spec's field offsets), checked
 * two ways:
 *   - valid files, from one PT_LOAD to eight listed out of order, must be
 *     accepted with exactly the segments that were built, sorted;
 *   - each rejection rule is broken once, and the error line must name it.
 * Random mutations, truncations and buffers against a reference model are
 * in test_elf_random.c. Every call gets a copy that ends where a PROT_NONE
 * page begins (validate() in elf_builder.h).
 */
#include "tests/unit/unit.h"
#include "tests/unit/elf_builder.h"

/* ---- checking the answer ------------------------------------------------------ */

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
