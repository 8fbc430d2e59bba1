/* `ptdump`: the page tables as ranges, in Linux's dump_pagetables format
 * (arch/x86/mm/dump_pagetables.c), and `translate VADDR`: one address's
 * walk, level by level.
 *
 * ptdump walks every entry of a top-level table, merging neighbours whose
 * level and attributes are equal into one line:
 *   0xffffffffff7fe000-0xffffffffff7ff000           4K     RW PWT PCD         GLB NX pte
 * and prints a ---[ name ]--- marker where a region of the memory map
 * (mm/memlayout.h) begins. */
#include "mm/fixmap.h"
#include "mm/init.h"
#include "mm/pgtable.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/shell.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"

struct ptdump_marker {
	unsigned long start;
	const char *name;
};

static const struct ptdump_marker markers[] = {
	{ 0, "User Space" },
	{ 0xffff800000000000UL, "Kernel Space" },
	{ PAGE_OFFSET, "Low Kernel Mapping" },
	{ VMALLOC_START, "vmalloc() Area" },
	{ __START_KERNEL_map, "High Kernel Mapping" },
	{ FIXADDR_TOT_START + PAGE_SIZE, "Fixmap Area" },
};
#define NR_MARKERS (sizeof(markers) / sizeof(markers[0]))

static const char *const level_name[] = { "pgd", "pud", "pmd", "pte" };

struct ptdump_state {
	unsigned long start;        /* of the range being merged */
	uint64_t attrs;             /* its attributes; 0: not present */
	int level;                  /* 0 pgd .. 3 pte */
	unsigned int marker;        /* next marker to print */
	bool open;
	unsigned long from;         /* print nothing below this address */
	unsigned int slots;         /* top-level slots to walk: 512, or 256 (user half) */
	bool check_wx;              /* count W+X pages instead of printing */
	unsigned long wx_pages, first_wx;
};

#define ATTR_BITS (_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_PWT | _PAGE_PCD | \
		   _PAGE_GLOBAL | _PAGE_NX)

static void print_range(const struct ptdump_state *st, unsigned long end)
{
	static const char units[] = "KMGTPE";
	unsigned long size = (end - st->start) >> 10;
	int u = 0;
	char attrs[48];

	while (size >= 1024 && !(size & 1023) && units[u + 1]) {
		size >>= 10;
		u++;
	}
	if (st->attrs)
		pgprot_str(st->attrs, st->level == 1 || st->level == 2, attrs, sizeof(attrs));
	else
		snprintf(attrs, sizeof(attrs), "%*s", 26, "");
	console_printf("0x%016lx-0x%016lx   %9lu%c %s %s\n", st->start, end, size, units[u],
		       attrs, level_name[st->level]);
}

/* Feeds one range [va, va + size) into the merger. */
static void note_page(struct ptdump_state *st, unsigned long va, unsigned long size,
		      uint64_t attrs, int level)
{
	bool same = st->open && attrs == st->attrs && level == st->level &&
		    !(st->marker < NR_MARKERS && va == markers[st->marker].start);

	if (st->check_wx) {
		if (va >= st->from && (attrs & _PAGE_RW) && !(attrs & _PAGE_NX)) {
			if (!st->wx_pages)
				st->first_wx = va;
			st->wx_pages += size >> PAGE_SHIFT;
		}
		return;
	}
	if (!same) {
		if (st->open && st->start >= st->from)
			print_range(st, va);
		while (st->marker < NR_MARKERS && va >= markers[st->marker].start) {
			if (markers[st->marker].start >= st->from)
				console_printf("---[ %s ]---\n", markers[st->marker].name);
			st->marker++;
		}
		st->start = va;
		st->attrs = attrs;
		st->level = level;
		st->open = true;
	}
}

static void walk_level(struct ptdump_state *st, uint64_t *table, unsigned long base, int level)
{
	static const unsigned int shift[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };

	for (unsigned long i = 0; i < (level ? 512 : st->slots); i++) {
		unsigned long va = base + (i << shift[level]);
		uint64_t e = table[i];
		uint64_t *next;

		if (level == 0 && i >= 256)
			va |= 0xffff000000000000UL;     /* sign-extend bit 47 */
		if (!(e & _PAGE_PRESENT)) {
			note_page(st, va, 1UL << shift[level], 0, level);
			continue;
		}
		if (level == 3 || (level > 0 && (e & _PAGE_PSE))) {
			note_page(st, va, 1UL << shift[level], e & ATTR_BITS, level);
			continue;
		}
		next = pgtable_phys_to_virt(e & PHYSICAL_PAGE_MASK);
		if (next)
			walk_level(st, next, va, level + 1);
		else    /* a table we cannot read yet: shown as one unknown range */
			note_page(st, va, 1UL << shift[level], e & ATTR_BITS, level);
	}
}

void ptdump_walk_pgd(pgd_t *pgd, unsigned long from)
{
	struct ptdump_state st = { .from = from, .slots = PTRS_PER_PGD };

	walk_level(&st, &pgd->pgd, 0, 0);
	if (st.open && st.start >= from)
		print_range(&st, 0);    /* the last range ends at 2^64 */
}

/* A process's user half in full, then its kernel half: first as runs of
 * top-level slots, each marked shared if it equals swapper_pg_dir's
 * (below those entries every process sees the one kernel), then walked
 * like `ptdump kernel`, through this PGD. */
void ptdump_walk_user(pgd_t *pgd)
{
	struct ptdump_state st = { .slots = KERNEL_PGD_BOUNDARY };
	const pgd_t *k = kernel_pgd();

	walk_level(&st, &pgd->pgd, 0, 0);
	if (st.open)
		print_range(&st, 0x800000000000UL);
	console_printf("---[ Kernel Space: PGD slots %d-511 ]---\n", KERNEL_PGD_BOUNDARY);
	for (int i = KERNEL_PGD_BOUNDARY, j; i < PTRS_PER_PGD; i = j) {
		bool same = pgd_val(pgd[i]) == pgd_val(k[i]);

		for (j = i + 1; j < PTRS_PER_PGD && pgd_present(pgd[j]) == pgd_present(pgd[i]) &&
		     (pgd_val(pgd[j]) == pgd_val(k[j])) == same; j++)
			;
		if (pgd_present(pgd[i]) || !same)
			console_printf("0x%016lx-0x%016lx   PGD %3d-%3d  %s\n",
				       0xffff000000000000UL | (unsigned long)i << PGDIR_SHIFT,
				       j == PTRS_PER_PGD ? 0UL :
				       0xffff000000000000UL | (unsigned long)j << PGDIR_SHIFT, i, j - 1,
				       same ? "shared (= swapper_pg_dir)" : "DIFFERS from swapper_pg_dir");
	}
	ptdump_walk_pgd(pgd, 0xffff800000000000UL);
}

unsigned long ptdump_check_wx(void)
{
	struct ptdump_state st = { .from = 0xffff800000000000UL, .check_wx = true };

	walk_level(&st, &current_pgd()->pgd, 0, 0);
	if (st.wx_pages) {
		pr_warn("x86/mm: Found insecure W+X mapping at address 0x%lx\n", st.first_wx);
		pr_info("x86/mm: Checked W+X mappings: FAILED, %lu W+X pages found.\n", st.wx_pages);
	} else {
		pr_info("x86/mm: Checked W+X mappings: passed, no W+X pages found.\n");
	}
	return st.wx_pages;
}

/* Every page of the image that the high mapping makes read-only must not
 * be writable through its direct-map alias either: one write through
 * PAGE_OFFSET + physical would change kernel code or constants. Checks
 * each 4 KiB page of the image, both mappings read from the live tables. */
unsigned long ptdump_check_aliases(void)
{
	unsigned long bad = 0, first = 0;

	for (unsigned long va = (unsigned long)_text; va < (unsigned long)_end; va += PAGE_SIZE) {
		enum pg_level level;
		pte_t *high = lookup_address(va, &level), *alias;

		if (!high || (pte_val(*high) & _PAGE_RW))
			continue;
		alias = lookup_address((unsigned long)__va(__pa_symbol(va)), &level);
		if (alias && (pte_val(*alias) & _PAGE_RW) && !bad++)
			first = va;
	}
	if (bad) {
		pr_warn("x86/mm: Found writable alias 0x%lx of read-only kernel address 0x%lx\n",
			(unsigned long)__va(__pa_symbol(first)), first);
		pr_info("x86/mm: Checked kernel aliases: FAILED, %lu read-only pages writable through the direct map.\n",
			bad);
	} else {
		pr_info("x86/mm: Checked kernel aliases: passed, no writable alias of read-only pages found.\n");
	}
	return bad;
}

static int cmd_ptdump(int argc, char **argv)
{
	struct mm_struct *mm;

	if (argc == 3 && !strcmp(argv[1], "user")) {
		mm = shell_find_mm(argv[2]);
		if (mm)
			ptdump_walk_user(mm->pgd);
		return 0;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "kernel")))
		return -1;
	ptdump_walk_pgd(current_pgd(), argc == 2 ? 0xffff800000000000UL : 0);
	return 0;
}
DEFINE_SHELL_CMD(ptdump, "ptdump [kernel | user PID]", "page tables as ranges (Linux dump_pagetables format)", cmd_ptdump);

/* `translate VADDR`: each level's index, the entry's address and value
 * with its flags, then the physical address or why the walk stopped. */
static int translate_level(unsigned long va, uint64_t *table, int level, uint64_t *phys)
{
	static const unsigned int shift[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };
	static const char *const upper[] = { "PGD", "PUD", "PMD", "PTE" };
	unsigned long idx = (va >> shift[level]) & 511;
	uint64_t e = table[idx];
	char flags[48];
	bool leaf = level == 3 || (level > 0 && (e & _PAGE_PSE));

	console_printf("%s[%3lu] at 0x%016lx = 0x%016llx  %s%s\n", upper[level], idx,
		       (unsigned long)&table[idx], (unsigned long long)e,
		       e & _PAGE_PRESENT ? pgprot_str(e, leaf && level != 3, flags, sizeof(flags)) : "not present",
		       level == 0 ? "  (P4D folded: same entry)" : "");
	if (!(e & _PAGE_PRESENT)) {
		console_printf("walk stops: %s entry not present -> a fault here is #PF \"not-present page\"\n",
			       upper[level]);
		return -1;
	}
	if (leaf) {
		uint64_t size = 1ULL << shift[level];
		*phys = (e & PHYSICAL_PAGE_MASK & ~(size - 1)) + (va & (size - 1));
		console_printf("%s leaf maps a %s page\n", upper[level],
			       level == 1 ? "1 GiB" : level == 2 ? "2 MiB" : "4 KiB");
		return 0;
	}
	table = pgtable_phys_to_virt(e & PHYSICAL_PAGE_MASK);
	if (!table) {
		console_printf("walk stops: the next table (phys 0x%llx) is not mapped in the kernel yet\n",
			       (unsigned long long)(e & PHYSICAL_PAGE_MASK));
		return -1;
	}
	return translate_level(va, table, level + 1, phys);
}

static int cmd_translate(int argc, char **argv)
{
	unsigned long long va;
	uint64_t phys;

	if (argc != 2 || kstrtoull(argv[1], 16, &va))
		return -1;
	console_printf("0x%016llx: PGD %llu | PUD %llu | PMD %llu | PTE %llu | offset 0x%llx  (CR3 0x%lx)\n",
		       va, (va >> 39) & 511, (va >> 30) & 511, (va >> 21) & 511, (va >> 12) & 511,
		       va & 0xfff, read_cr3());
	if (!is_canonical(va)) {
		console_printf("not canonical: bits 63..48 must copy bit 47 (a #GP, not a #PF)\n");
		return 0;
	}
	if (!translate_level(va, &current_pgd()->pgd, 0, &phys))
		console_printf("=> physical 0x%llx\n", (unsigned long long)phys);
	return 0;
}
DEFINE_SHELL_CMD(translate, "translate VADDR", "walk the page tables for one address (hex)", cmd_translate);
