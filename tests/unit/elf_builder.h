/* Shared by the ELF64 validator host tests (test_elf.c,
 * test_elf_random.c) of kernel/elf.c: a builder that writes files byte by
 * byte at the ELF-64 spec's field offsets (not through kernel/elf.h's
 * structs), three valid base files (realistic, minimal, maxed), and
 * validate(), which hands elf_validate a copy that ends where a PROT_NONE
 * page begins, so a read past len faults even inside an asm memcpy that
 * ASan cannot see.
 *
 * Each test program is one translation unit plus the source under test, so
 * the helpers here are static; they are inline so that a program that does
 * not use one of them gets no -Wunused-function. Include after
 * tests/unit/unit.h.
 */
#ifndef TESTS_UNIT_ELF_BUILDER_H
#define TESTS_UNIT_ELF_BUILDER_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/elf_builder.h"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
static inline void put(unsigned char *p, uint64_t v, int n)
{
	while (n--)
		p[n] = (unsigned char)(v >> 8 * n);
}

static inline uint64_t get(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static inline int eh_width(int off)
{
	return off == E_VERSION || off == E_FLAGS ? 4 : off >= E_ENTRY && off < E_FLAGS ? 8 : 2;
}

static inline void set_eh(struct file *f, int off, uint64_t v)
{
	put(f->b + off, v, eh_width(off));
}

static inline void set_ph(struct file *f, int i, int off, uint64_t v)
{
	put(f->b + get(f->b + E_PHOFF, 8) + (unsigned long)i * PHSZ + off, v, off < 8 ? 4 : 8);
}

/* The file the spec describes: payload pattern, header, program headers. */
static inline void build(struct file *f, const struct spec *s)
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
static inline int validate(const unsigned char *b, unsigned long len)
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

static struct file f;

#endif
