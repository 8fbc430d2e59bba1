/* The ELF64 validator for the user-program loader (contract in kernel/elf.h).
 *
 * The file comes from a multiboot2 module, i.e. from outside the kernel, so
 * no field is used before it is checked, every "a + b <= limit" is written
 * so it cannot wrap, and headers are copied out with memcpy (module data
 * need not be aligned). The checks, in the order they are made:
 *
 *   file header   long enough for it; magic; 64-bit; little-endian; version
 *                 1 twice; ET_EXEC (no relocation, so no ET_DYN/PIE);
 *                 x86-64; e_ehsize and e_phentsize the sizes of our structs;
 *                 1..ELF_MAX_PHNUM program headers, 8-byte aligned and
 *                 inside the file.
 *   each header   PT_INTERP and PT_DYNAMIC refused (dynamic linking); other
 *                 non-PT_LOAD types ignored; at most ELF_MAX_SEGMENTS loads.
 *   each PT_LOAD  filesz <= memsz; 0 < memsz <= ELF_MAX_SEGMENT_SIZE; file
 *                 bytes inside the file; [vaddr, vaddr + memsz) inside
 *                 [ELF_MIN_VADDR, ELF_MAX_END); vaddr = offset mod 4096;
 *                 flags R/W/X only, with PF_R, and not both W and X.
 *   the image     at least one PT_LOAD; page-rounded segments disjoint;
 *                 e_entry inside an executable segment.
 *
 * "Segment N" in a message is program header N, counted from 0 as
 * `readelf -l` counts them. The host tests (tests/unit/test_elf.c, directed;
 * test_elf_random.c) run this file under ASan and UBSan, the second against
 * an independent model.
 */
#include <stdarg.h>
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

#define PAGE_MASK_LO    (ELF_PAGE_SIZE - 1)
#define PF_RWX          (PF_R | PF_W | PF_X)

/* One validation: the file, where to report, and the image being built. */
struct elf_ctx {
	const unsigned char *data;
	unsigned long len;
	char *err;
	unsigned long errlen;
	struct elf_image img;
	int phidx[ELF_MAX_SEGMENTS];    /* img.seg[k] came from program header phidx[k] */
};

/* Write the error line (printf-style) into c->err; return -ENOEXEC. */
__attribute__((format(printf, 2, 3)))
static int fail(struct elf_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

/* The fixed checks on the file header (gABI "ELF Header", "ELF
 * Identification"); c->len >= sizeof(*eh) already. 0 or -ENOEXEC. */
static int check_ehdr(struct elf_ctx *c, const Elf64_Ehdr *eh)
{
	const unsigned char *id = eh->e_ident;
	unsigned long table;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 ||
	    id[EI_MAG2] != ELFMAG2 || id[EI_MAG3] != ELFMAG3)
		return fail(c, "bad magic %02x %02x %02x %02x (an ELF file starts 7f 45 4c 46)",
			    id[0], id[1], id[2], id[3]);
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(c, "EI_CLASS %u is not ELFCLASS64 (2)", id[EI_CLASS]);
	/* Fields are read in the CPU's byte order: x86-64 is little-endian. */
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(c, "EI_DATA %u is not ELFDATA2LSB (1, little-endian)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(c, "EI_VERSION %u is not EV_CURRENT (1)", id[EI_VERSION]);
	if (eh->e_version != EV_CURRENT)
		return fail(c, "e_version %u is not EV_CURRENT (1)", eh->e_version);
	/* The loader maps segments at p_vaddr and applies no relocations, so a
	 * position-independent file (ET_DYN) cannot run. */
	if (eh->e_type == ET_DYN)
		return fail(c, "e_type 3 (ET_DYN) is not ET_EXEC (2): position-independent programs are not supported");
	if (eh->e_type != ET_EXEC)
		return fail(c, "e_type %u is not ET_EXEC (2)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return fail(c, "e_machine %u is not x86-64 (62)", eh->e_machine);
	/* The sizes say which layout the file uses; only ours can be read. */
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return fail(c, "e_ehsize %u is not %u", eh->e_ehsize, (unsigned)sizeof(Elf64_Ehdr));
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(c, "e_phentsize %u is not %u", eh->e_phentsize,
			    (unsigned)sizeof(Elf64_Phdr));
	if (eh->e_phnum < 1 || eh->e_phnum > ELF_MAX_PHNUM)
		return fail(c, "e_phnum %u is not in 1..%d", eh->e_phnum, ELF_MAX_PHNUM);
	/* ELF-64 spec: data structures lie on their natural boundary, 8 bytes
	 * for a Phdr. */
	if (eh->e_phoff % 8)
		return fail(c, "e_phoff 0x%lx is not 8-byte aligned", (unsigned long)eh->e_phoff);
	table = (unsigned long)eh->e_phnum * sizeof(Elf64_Phdr);    /* <= 32 * 56 */
	if (eh->e_phoff > ~0UL - table)
		return fail(c, "e_phoff 0x%lx + %lu bytes of program headers wraps around",
			    (unsigned long)eh->e_phoff, table);
	if (eh->e_phoff + table > c->len)
		return fail(c, "truncated: file is %lu bytes, program headers end at 0x%lx",
			    c->len, (unsigned long)eh->e_phoff + table);
	return 0;
}

/* The checks on PT_LOAD program header i (gABI "Program Header",
 * "Program Loading"). 0 or -ENOEXEC. */
static int check_load(struct elf_ctx *c, int i, const Elf64_Phdr *ph)
{
	unsigned long off = ph->p_offset, fsz = ph->p_filesz;
	unsigned long va = ph->p_vaddr, msz = ph->p_memsz;
	unsigned int fl = ph->p_flags;

	/* gABI: "p_filesz may not be larger than p_memsz"; the rest is bss. */
	if (fsz > msz)
		return fail(c, "segment %d: p_filesz 0x%lx > p_memsz 0x%lx", i, fsz, msz);
	if (msz == 0)
		return fail(c, "segment %d: p_memsz is 0 (an empty PT_LOAD)", i);
	if (msz > ELF_MAX_SEGMENT_SIZE)
		return fail(c, "segment %d: p_memsz 0x%lx is huge (limit 0x%lx)",
			    i, msz, ELF_MAX_SEGMENT_SIZE);
	if (off > c->len || fsz > c->len - off)
		return fail(c, "segment %d: p_offset 0x%lx + p_filesz 0x%lx is past the end of the file (%lu bytes)",
			    i, off, fsz, c->len);
	/* Page 0 stays unmapped so NULL dereferences fault. */
	if (va < ELF_MIN_VADDR)
		return fail(c, "segment %d: p_vaddr 0x%lx is below 0x%lx (low pages must fault)",
			    i, va, ELF_MIN_VADDR);
	if (va > ELF_MAX_END || msz > ELF_MAX_END - va)
		return fail(c, "segment %d: p_vaddr 0x%lx + p_memsz 0x%lx leaves the user program area (ends above 0x%lx)",
			    i, va, msz, ELF_MAX_END);
	/* gABI: "loadable process segments must have congruent values for
	 * p_vaddr and p_offset, modulo the page size", so each file page maps
	 * to one memory page. (p_align itself is not used.) */
	if ((va - off) % ELF_PAGE_SIZE)
		return fail(c, "segment %d: p_vaddr 0x%lx and p_offset 0x%lx are not congruent modulo 4096",
			    i, va, off);
	if (fl & ~(unsigned int)PF_RWX)
		return fail(c, "segment %d: p_flags 0x%x has bits other than PF_R/PF_W/PF_X", i, fl);
	if (!(fl & PF_R))
		return fail(c, "segment %d: p_flags 0x%x is not readable (no PF_R)", i, fl);
	/* W^X: no page of a user program is both writable and executable. */
	if ((fl & PF_W) && (fl & PF_X))
		return fail(c, "segment %d: p_flags 0x%x is writable and executable (W^X refused)", i, fl);
	return 0;
}

/* Walk the program header table (already inside the file), checking each
 * PT_LOAD and copying it to c->img. 0 or -ENOEXEC. */
static int check_phdrs(struct elf_ctx *c, const Elf64_Ehdr *eh)
{
	struct elf_image *img = &c->img;
	Elf64_Phdr ph;
	int ret;

	for (int i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, c->data + eh->e_phoff + (unsigned long)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return fail(c, "segment %d: %s: dynamically linked programs are not supported",
				    i, ph.p_type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
		if (ph.p_type != PT_LOAD)
			continue;       /* PT_NOTE, PT_GNU_STACK, PT_TLS...: not the loader's */
		if (img->nr_segments == ELF_MAX_SEGMENTS)
			return fail(c, "segment %d: more than %d PT_LOAD segments",
				    i, ELF_MAX_SEGMENTS);
		ret = check_load(c, i, &ph);
		if (ret)
			return ret;
		c->phidx[img->nr_segments] = i;
		img->seg[img->nr_segments++] = (struct elf_segment){
			.vaddr = ph.p_vaddr, .memsz = ph.p_memsz,
			.offset = ph.p_offset, .filesz = ph.p_filesz,
			.flags = ph.p_flags,
		};
	}
	if (img->nr_segments == 0)
		return fail(c, "no PT_LOAD segment: nothing to load");
	return 0;
}

/* Sort c->img's segments by vaddr (insertion sort: at most 8), keeping
 * phidx[] alongside for the messages. */
static void sort_segments(struct elf_ctx *c)
{
	struct elf_segment *seg = c->img.seg;

	for (int k = 1; k < c->img.nr_segments; k++) {
		struct elf_segment s = seg[k];
		int idx = c->phidx[k], j = k;

		for (; j > 0 && seg[j - 1].vaddr > s.vaddr; j--) {
			seg[j] = seg[j - 1];
			c->phidx[j] = c->phidx[j - 1];
		}
		seg[j] = s;
		c->phidx[j] = idx;
	}
}

/* The loader maps whole pages, so two segments that share a page would
 * fight over its contents and permissions: with the segments sorted,
 * each one's first page must lie at or after the previous one's last page
 * ends. (If any two overlap, some neighbouring pair does.) The sums
 * cannot wrap: every segment ends at or below ELF_MAX_END. */
static int check_overlaps(struct elf_ctx *c)
{
	const struct elf_segment *seg = c->img.seg;

	for (int k = 1; k < c->img.nr_segments; k++) {
		unsigned long prev_end = (seg[k - 1].vaddr + seg[k - 1].memsz +
					  PAGE_MASK_LO) & ~PAGE_MASK_LO;
		unsigned long start = seg[k].vaddr & ~PAGE_MASK_LO;

		if (start < prev_end)
			return fail(c, "segment %d overlaps segment %d at 0x%lx",
				    c->phidx[k], c->phidx[k - 1], start);
	}
	return 0;
}

/* e_entry must be an address the program can execute from. */
static int check_entry(struct elf_ctx *c, unsigned long entry)
{
	const struct elf_segment *seg = c->img.seg;

	for (int k = 0; k < c->img.nr_segments; k++)
		if ((seg[k].flags & PF_X) && entry >= seg[k].vaddr &&
		    entry - seg[k].vaddr < seg[k].memsz)
			return 0;
	return fail(c, "e_entry 0x%lx is not inside an executable (PF_X) PT_LOAD segment", entry);
}

int elf_validate(const void *data, unsigned long len, struct elf_image *out,
		 char *err, unsigned long errlen)
{
	struct elf_ctx c = { .data = data, .len = len, .err = err, .errlen = errlen };
	Elf64_Ehdr eh;
	int ret;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (len < sizeof(eh))
		return fail(&c, "truncated: file is %lu bytes, the ELF header is %u",
			    len, (unsigned)sizeof(eh));
	memcpy(&eh, data, sizeof(eh));
	ret = check_ehdr(&c, &eh);
	if (!ret)
		ret = check_phdrs(&c, &eh);
	if (ret)
		return ret;
	sort_segments(&c);
	ret = check_overlaps(&c);
	if (!ret)
		ret = check_entry(&c, eh.e_entry);
	if (ret)
		return ret;
	c.img.entry = eh.e_entry;
	*out = c.img;
	return 0;
}
