/* Printing the page tables, all through the one walker (mm/pagewalk.h):
 * `ptdump` ranges in Linux's dump_pagetables format
 * (arch/x86/mm/dump_pagetables.c) and its W+X check, the kernel-alias
 * check, `translate VADDR` (one address's walk, level by level) and the
 * oops line's walk (dump_pagetable).
 *
 * ptdump walks every entry of a top-level table, merging neighbours whose
 * level and attributes are equal into one line:
 *   0xffffffffff7fe000-0xffffffffff7ff000           4K     RW PWT PCD         GLB NX pte
 * and prints a ---[ name ]--- marker where a region of the memory map
 * (mm/memlayout.h) begins. */
#include "mm/pti.h"
#include "mm/fixmap.h"
#include "mm/init.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/types.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"


/* A region's start with 4-level and with 5-level paging (mm/memlayout.h):
 * both constant, so gdb reads the table too (scripts/gdb/carta/utils.py). */
struct ptdump_marker {
	unsigned long start, start_l5;
	const char *name;
};

static const struct ptdump_marker markers[] = {
	{ 0, 0, "User Space" },
	{ 0xffff800000000000UL, 0xff00000000000000UL, "Kernel Space" },
	{ __PAGE_OFFSET_BASE_L4, __PAGE_OFFSET_BASE_L5, "Low Kernel Mapping" },
	{ __VMALLOC_BASE_L4, __VMALLOC_BASE_L5, "vmalloc() Area" },
	{ CPU_ENTRY_AREA_BASE, CPU_ENTRY_AREA_BASE, "CPU entry Area" },
	{ __START_KERNEL_map, __START_KERNEL_map, "High Kernel Mapping" },
	{ FIXADDR_TOT_START + PAGE_SIZE, FIXADDR_TOT_START + PAGE_SIZE, "Fixmap Area" },
};
#define NR_MARKERS ((unsigned int)ARRAY_SIZE(markers))

static unsigned long marker_start(unsigned int i)
{
	return pgtable_l5_enabled() ? markers[i].start_l5 : markers[i].start;
}

struct ptdump_state {
	unsigned long start;        /* of the range being merged */
	uint64_t attrs;             /* its attributes; 0: not present */
	enum pg_level level;        /* the level of its entries */
	unsigned int marker;        /* next marker to print */
	bool open;
	unsigned long from;         /* where the walk started: no marker below */
	bool check_wx;              /* count W+X pages instead of printing */
	unsigned long wx_pages, first_wx;
};

#define ATTR_BITS (_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_PWT | _PAGE_PCD | \
		   _PAGE_GLOBAL | _PAGE_NX)

/* A size in bytes (a multiple of 1 KiB) as the largest unit that keeps it
 * whole: 2097152 is 2 and 'M'. */
static char size_unit(unsigned long bytes, unsigned long *n)
{
	static const char units[] = "KMGTPE";
	int u = 0;

	*n = bytes >> 10;
	while (*n >= 1024 && !(*n & 1023) && units[u + 1]) {
		*n >>= 10;
		u++;
	}
	return units[u];
}

static void print_range(const struct ptdump_state *st, unsigned long end)
{
	const char *name = pg_level_name(st->level);
	char attrs[48], lower[4] = { 0 };
	unsigned long size;
	char unit = size_unit(end - st->start, &size);

	for (int i = 0; i < 3; i++)     /* Linux's ptdump: pgd, p4d, pud, pmd, pte */
		lower[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i];
	if (st->attrs)
		pgprot_str(st->attrs, st->level == PG_LEVEL_1G || st->level == PG_LEVEL_2M,
			   attrs, sizeof(attrs));
	else
		snprintf(attrs, sizeof(attrs), "%*s", 26, "");
	console_printf("0x%016lx-0x%016lx   %9lu%c %s %s\n", st->start, end, size, unit, attrs,
		       lower);
}

/* Feeds one range [va, va + size) into the merger. */
static void note_page(struct ptdump_state *st, unsigned long va, unsigned long size,
		      uint64_t attrs, enum pg_level level)
{
	bool same = st->open && attrs == st->attrs && level == st->level &&
		    !(st->marker < NR_MARKERS && va == marker_start(st->marker));

	if (st->check_wx) {
		if ((attrs & _PAGE_RW) && !(attrs & _PAGE_NX)) {
			if (!st->wx_pages)
				st->first_wx = va;
			st->wx_pages += size >> PAGE_SHIFT;
		}
		return;
	}
	if (!same) {
		if (st->open)
			print_range(st, va);
		while (st->marker < NR_MARKERS && va >= marker_start(st->marker)) {
			if (marker_start(st->marker) >= st->from)
				console_printf("---[ %s ]---\n", markers[st->marker].name);
			st->marker++;
		}
		st->start = va;
		st->attrs = attrs;
		st->level = level;
		st->open = true;
	}
}

/* Every entry the walk does not go below is one range: a leaf, a hole, or
 * a table it cannot read yet (shown with that entry's attributes). */
static int ptdump_entry(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	note_page(private, addr, next - addr, pxd_present(e) ? pxd_val(e) & ATTR_BITS : 0, e.level);
	return 0;
}

static const struct mm_walk_ops ptdump_ops = { .entry = ptdump_entry, .hole = ptdump_entry };

void ptdump_walk_pgd(pgd_t *pgd, unsigned long from)
{
	struct ptdump_state st = { .from = from };

	walk_page_range(pgd, from, 0, &ptdump_ops, &st);
	if (st.open)
		print_range(&st, 0);    /* the last range ends at 2^64 */
}

/* A process's user half in full, then its kernel half: first as runs of
 * top-level slots, each marked shared if it equals swapper_pg_dir's
 * (below those entries every process sees the one kernel), then walked
 * like `ptdump kernel`, through this PGD. */
void ptdump_walk_user(pgd_t *pgd)
{
	struct ptdump_state st = { 0 };
	const pgd_t *k = kernel_pgd();

	walk_page_range(pgd, 0, USER_PGTABLES_END, &ptdump_ops, &st);
	if (st.open)
		print_range(&st, USER_PGTABLES_END);
	console_printf("---[ Kernel Space: PGD slots %d-511 ]---\n", KERNEL_PGD_BOUNDARY);
	for (int i = KERNEL_PGD_BOUNDARY, j; i < PTRS_PER_PGD; i = j) {
		bool same = pgd_val(pgd[i]) == pgd_val(k[i]);

		for (j = i + 1; j < PTRS_PER_PGD && pgd_present(pgd[j]) == pgd_present(pgd[i]) &&
		     (pgd_val(pgd[j]) == pgd_val(k[j])) == same; j++)
			;
		/* slot 512's address, the end of the last run, wraps to 0 */
		if (pgd_present(pgd[i]) || !same)
			console_printf("0x%016lx-0x%016lx   PGD %3d-%3d  %s\n",
				       canonical_address((unsigned long)i << PGDIR_SHIFT),
				       canonical_address((unsigned long)j << PGDIR_SHIFT), i, j - 1,
				       same ? "shared (= swapper_pg_dir)" : "DIFFERS from swapper_pg_dir");
	}
	ptdump_walk_pgd(pgd, KERNEL_HALF_START);
	if (pti_enabled()) {
		/* PTI: the table CR3 holds in ring 3 (bit 12 set); its user half
		 * is the one above, mirrored */
		console_printf("---[ PTI user table at %#llx (CR3 bit 12): its kernel half ]---\n",
			       (unsigned long long)__pa(kernel_to_user_pgdp(pgd)));
		ptdump_walk_pgd(kernel_to_user_pgdp(pgd), KERNEL_HALF_START);
	}
}

/* The W+X count looks at leaves only: a hole has no rights, so the walk
 * skips holes (most of the 64 preallocated vmalloc PUD pages) unseen. */
static const struct mm_walk_ops wx_ops = { .entry = ptdump_entry };

unsigned long ptdump_check_wx(void)
{
	struct ptdump_state st = { .from = KERNEL_HALF_START, .check_wx = true };

	walk_page_range(current_pgd(), KERNEL_HALF_START, 0, &wx_ops, &st);
	if (st.wx_pages) {
		pr_warn("x86/mm: Found insecure W+X mapping at address 0x%lx\n", st.first_wx);
		pr_info("x86/mm: Checked W+X mappings: FAILED, %lu W+X pages found.\n", st.wx_pages);
	} else {
		pr_info("x86/mm: Checked W+X mappings: passed, no W+X pages found.\n");
	}
	return st.wx_pages;
}

struct alias_check {
	unsigned long bad, first;
};

/* A read-only leaf of the image's high mapping: is any of its pages
 * writable through its direct-map alias? */
static int check_alias(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	struct alias_check *c = private;

	if (!pxd_leaf(e) || (pxd_val(e) & _PAGE_RW))
		return 0;
	for (unsigned long va = addr; va < next; va += PAGE_SIZE) {
		enum pg_level level;
		pte_t *alias = lookup_address((unsigned long)__va(__pa_symbol(va)), &level);

		if (alias && (pte_val(*alias) & _PAGE_RW) && !c->bad++)
			c->first = va;
	}
	return 0;
}

static const struct mm_walk_ops alias_ops = { .entry = check_alias };

/* Every page of the image that the high mapping makes read-only must not
 * be writable through its direct-map alias either: one write through
 * PAGE_OFFSET + physical would change kernel code or constants. Walks the
 * image's high mapping and looks up each read-only page's alias, both in
 * the live tables. */
unsigned long ptdump_check_aliases(void)
{
	struct alias_check c = { 0, 0 };

	walk_page_range(kernel_pgd(), (unsigned long)_text, PAGE_ALIGN((unsigned long)_end),
			&alias_ops, &c);
	if (c.bad) {
		pr_warn("x86/mm: Found writable alias 0x%lx of read-only kernel address 0x%lx\n",
			(unsigned long)__va(__pa_symbol(c.first)), c.first);
		pr_info("x86/mm: Checked kernel aliases: FAILED, %lu read-only pages writable through the direct map.\n",
			c.bad);
	} else {
		pr_info("x86/mm: Checked kernel aliases: passed, no writable alias of read-only pages found.\n");
	}
	return c.bad;
}

/* The oops line (Linux's dump_pagetable): the PGD entry, then every level
 * from the P4D down, folded or not, so 4-level paging prints its top entry
 * twice ("PGD 26f063 P4D 26f063 PUD ..."), as Linux does. */
void dump_pagetable(unsigned long address)
{
	pgd_t *pgd = current_pgd();
	struct pgtable_path path;

	if (!pgd) {
		printk(KERN_ALERT "PGD at CR3 %lx is not mapped\n", read_cr3());
		return;
	}
	pgtable_walk_path(pgd, address, &path);
	printk(KERN_ALERT "PGD %lx ", pxd_val(path.entry[pgtable_top_level()]));
	for (enum pg_level l = PG_LEVEL_512G; l >= path.level; l--)
		pr_cont("%s %lx%s", pg_level_info[l].name, pxd_val(path.entry[l]),
			l == PG_LEVEL_4K ? "" : " ");
	pr_cont("\n");
}

/* One line of `translate`: the entry's index, address and value, and its
 * flags. */
static void translate_entry(struct pxd e, unsigned long va)
{
	uint64_t v = pxd_val(e);
	char flags[48];

	console_printf("%s[%3lu] at 0x%016lx = 0x%016llx  %s%s\n", pg_level_name(e.level),
		       pxd_index(e.level, va), (unsigned long)e.ptr, (unsigned long long)v,
		       pxd_present(e) ? pgprot_str(v, pxd_leaf(e) && e.level != PG_LEVEL_4K,
						   flags, sizeof(flags)) : "not present",
		       e.level == PG_LEVEL_512G && !pgtable_l5_enabled() ?
		       "  (P4D folded: same entry)" : "");
}

void ptdump_translate(unsigned long va)
{
	struct pgtable_path path;
	unsigned long size;
	char line[128];
	int n = snprintf(line, sizeof(line), "0x%016lx: ", va);
	struct pxd last;

	for (enum pg_level l = pgtable_top_level(); l >= PG_LEVEL_4K; l--)
		n += snprintf(line + n, sizeof(line) - n, "%s %lu | ", pg_level_name(l),
			      pxd_index(l, va));
	console_printf("%soffset 0x%lx  (CR3 0x%lx)\n", line, va & ~PAGE_MASK, read_cr3());
	if (!is_canonical(va)) {
		console_printf("not canonical: bits 63..%d must copy bit %d (a #GP, not a #PF)\n",
			       __VIRTUAL_MASK_SHIFT + 1, __VIRTUAL_MASK_SHIFT);
		return;
	}
	pgtable_walk_path(current_pgd(), va, &path);
	for (enum pg_level l = pgtable_top_level(); l >= path.level; l--)
		translate_entry(path.entry[l], va);
	last = path.entry[path.level];
	if (!pxd_present(last)) {
		console_printf("walk stops: %s entry not present -> a fault here is #PF \"not-present page\"\n",
			       pg_level_name(last.level));
	} else if (pxd_leaf(last)) {
		char unit = size_unit(page_level_size(last.level), &size);

		console_printf("%s leaf maps a %lu %ciB page\n=> physical 0x%llx\n",
			       pg_level_name(last.level), size, unit,
			       (unsigned long long)pxd_phys(last, va));
	} else {
		console_printf("walk stops: the next table (phys 0x%llx) is not mapped in the kernel yet\n",
			       (unsigned long long)pxd_table_phys(last));
	}
}
