/* vmalloc, vmap and kernel stacks on the real machine, and ioremap mixed
 * in with them (its own cases are in test_ioremap.c). The oracles are
 * independent of the code under test: the buddy allocator's and the
 * table-page counters, the bytes seen through the direct map, the
 * page-table walk, and the vmallocinfo text (vm_baseline.h). */
#include "tests/kernel/ktest.h"
#include "tests/kernel/vm_baseline.h"
#include "kernel/sched.h"
#include "mm/ioremap.h"
#include "mm/memblock.h"
#include "mm/page.h"
#include "mm/tlb.h"
#include "mm/vmalloc.h"
#include "tests/kernel/cr3_walk.h"

#define RANDOM_OPS   100000
#define MAX_LIVE     48
#define IO_SLOTS     32
#define IO_SLOT_SIZE (4 * PAGE_SIZE)

static unsigned long rnd_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;   /* xorshift64 (Marsaglia 2003) */
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static unsigned long pte_phys(const void *va)
{
	enum pg_level level;
	pte_t *pte = lookup_address((unsigned long)va, &level);

	return pte && level == PG_LEVEL_4K ? PFN_PHYS(pte_pfn(*pte)) : ~0UL;
}

struct live {
	char *addr;
	unsigned long pages;
	bool io;
	unsigned long tag;
};

/* Every page of a vmalloc area: writable through the area, and the same
 * bytes seen through the direct map of vmalloc_to_page's page, whose
 * frame is the one the page-table walk finds. The guard page after the
 * area is not mapped. */
static int check_vmalloc_area(const struct live *l, bool write)
{
	int bad = 0;

	for (unsigned long i = 0; i < l->pages; i++) {
		unsigned long *w = (unsigned long *)(l->addr + i * PAGE_SIZE);
		struct page *pg = vmalloc_to_page(w);
		unsigned long *d = pg ? page_address(pg) : 0;

		if (write)
			w[0] = w[511] = l->tag + i;
		if (!d || PFN_PHYS(page_to_pfn(pg)) != cr3_walk((unsigned long)w) || d[0] != l->tag + i ||
		    d[511] != l->tag + i)
			bad++;
	}
	return bad + (pte_phys(l->addr + l->pages * PAGE_SIZE) != ~0UL);
}

static const enum page_cache_mode io_types[4] = {
	_PAGE_CACHE_MODE_UC_MINUS, _PAGE_CACHE_MODE_UC, _PAGE_CACHE_MODE_WC, _PAGE_CACHE_MODE_WB,
};

/* An ioremap of pool slot s maps the slot's frames with the slot's type
 * (each slot has one, so no request conflicts). */
static int check_io_area(const struct live *l, unsigned long slot)
{
	unsigned long base = (unsigned long)l->addr & PAGE_MASK;
	struct vm_struct *vm = find_vm_area((void *)base);
	uint64_t want = cachemode2protval(io_types[slot % 4]);
	int bad = !vm;

	for (unsigned long off = 0; vm && off < get_vm_area_size(vm); off += PAGE_SIZE) {
		enum pg_level level;
		pte_t *pte = lookup_address(base + off, &level);

		bad += !pte || cr3_walk(base + off) != IO_POOL + slot * IO_SLOT_SIZE + off ||
		       (pte_val(*pte) & _PAGE_CACHE_MASK) != want;
	}
	return bad;
}

KTEST(vmalloc, random_ops_return_to_baseline)
{
	static struct live live[MAX_LIVE];
	static struct baseline before;
	unsigned int n = 0, bad = 0, failed = 0;

	for (uint64_t pa = IO_POOL; pa < IO_POOL + IO_SLOTS * IO_SLOT_SIZE; pa += PAGE_SIZE)
		KUNIT_EXPECT_FALSE(test, memblock_is_memory(pa));
	take_baseline(&before);
	for (unsigned long op = 0; op < RANDOM_OPS; op++) {
		unsigned long r = rnd();
		struct live *l;

		if (n == MAX_LIVE || (n && r % 8 < 3)) {        /* free a random one */
			l = &live[r / 8 % n];
			if (l->io) {
				iounmap(l->addr);
			} else {
				bad += check_vmalloc_area(l, false);
				vfree(l->addr);
			}
			*l = live[--n];
			continue;
		}
		l = &live[n];
		l->tag = r;
		if (r % 8 < 5) {
			l->io = false;
			l->pages = 1 + r / 64 % 8;
			l->addr = vmalloc(l->pages * PAGE_SIZE - r / 1024 % 64);
			if (l->addr)
				bad += check_vmalloc_area(l, true);
		} else {
			unsigned long slot = r / 64 % IO_SLOTS, off = r / 4096 % PAGE_SIZE;

			l->io = true;
			l->addr = __ioremap_caller(IO_POOL + slot * IO_SLOT_SIZE + off,
						   1 + r / 65536 % (IO_SLOT_SIZE - off),
						   io_types[slot % 4], __builtin_return_address(0));
			if (l->addr)
				bad += check_io_area(l, slot);
		}
		if (l->addr)
			n++;
		else
			failed++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, failed, 0);
	while (n--) {
		if (live[n].io)
			iounmap(live[n].addr);
		else
			vfree(live[n].addr);
	}
	expect_baseline(test, &before);
}

/* The top-level entries of the vmalloc range exist from boot and never
 * change: every process's PGD copies them (docs/design.md §2). */
KTEST(vmalloc, pgd_entries_preallocated_and_stable)
{
	pgd_t *pgd = kernel_pgd();
	static uint64_t saved[PTRS_PER_PGD];
	void *p[4];

	for (unsigned int i = pgd_index(VMALLOC_START); i <= pgd_index(VMALLOC_END); i++) {
		KUNIT_EXPECT_TRUE(test, pgd_present(pgd[i]));
		saved[i] = pgd_val(pgd[i]);
	}
	for (int i = 0; i < 4; i++)
		p[i] = vmalloc((i + 1) * PMD_SIZE);   /* new PMD and PTE pages */
	for (int i = 0; i < 4; i++)
		vfree(p[i]);
	for (unsigned int i = pgd_index(VMALLOC_START); i <= pgd_index(VMALLOC_END); i++)
		KUNIT_EXPECT_EQ(test, pgd_val(pgd[i]), saved[i]);
}

KTEST(vmalloc, bad_frees_change_nothing)
{
	static struct baseline before, after;
	char *v = vmalloc(3 * PAGE_SIZE), *io = ioremap(IO_POOL, 16);

	KUNIT_EXPECT_TRUE(test, v && io);
	take_baseline(&before);
	vfree(0);
	vfree(v + PAGE_SIZE);           /* inside, not the start */
	vfree(io);                      /* an ioremap area */
	vunmap(v);                      /* not a vmap area */
	iounmap(v);                     /* not an ioremap area */
	iounmap((void *)VMALLOC_END);   /* nothing there */
	vfree((void *)0x1000);          /* not even in the range */
	expect_baseline(test, &before);
	vfree(v);
	iounmap(io);
	take_baseline(&after);
	vfree(v);                       /* twice */
	iounmap(io);
	expect_baseline(test, &after);
	KUNIT_EXPECT_EQ(test, after.areas, before.areas - 2);
}

KTEST(vmalloc, vmap_maps_existing_pages_and_leaves_them)
{
	struct page *pages[3];
	unsigned long free0 = nr_free_pages();
	unsigned long *v;

	for (int i = 0; i < 3; i++)
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	v = vmap(pages, 3, 0, PAGE_KERNEL);
	KUNIT_EXPECT_TRUE(test, v != 0);
	if (!v)
		return;
	for (int i = 0; i < 3; i++) {
		v[i * 512 + 7] = 0xabc0 + i;
		KUNIT_EXPECT_EQ(test, ((unsigned long *)page_address(pages[i]))[7], 0xabc0 + i);
		KUNIT_EXPECT_TRUE(test, vmalloc_to_page(v + i * 512) == pages[i]);
	}
	KUNIT_EXPECT_TRUE(test, find_vm_area(v + 600)->flags & VM_MAP);
	vunmap(v);
	KUNIT_EXPECT_EQ(test, pte_phys(v), ~0UL);
	for (int i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, ((unsigned long *)page_address(pages[i]))[7], 0xabc0 + i);
		__free_pages(pages[i], 0);
	}
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
}

KTEST(vmalloc, alignment_and_guard_pages)
{
	for (unsigned int shift = 12; shift <= 24; shift += 3) {
		char *p = __vmalloc_node_range(PAGE_SIZE + 1, 1UL << shift, PAGE_KERNEL, 0, 0);
		struct vm_struct *vm = find_vm_area(p);

		KUNIT_EXPECT_EQ(test, (unsigned long)p & ((1UL << shift) - 1), 0);
		KUNIT_EXPECT_TRUE(test, vm && vm->addr == p && vm->size == 3 * PAGE_SIZE);
		KUNIT_EXPECT_NE(test, pte_phys(p + PAGE_SIZE), ~0UL);
		KUNIT_EXPECT_EQ(test, pte_phys(p + 2 * PAGE_SIZE), ~0UL);      /* the guard */
		vfree(p);
	}
}

KTEST(vmalloc, thread_stacks_between_guard_pages)
{
	static struct baseline before;

	take_baseline(&before);
	for (int i = 0; i < 200; i++) {
		char *s = alloc_thread_stack();

		KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(s));
		KUNIT_EXPECT_EQ(test, pte_phys(s - 1), ~0UL);
		KUNIT_EXPECT_EQ(test, pte_phys(s + THREAD_SIZE), ~0UL);
		for (int off = 0; off < THREAD_SIZE; off += PAGE_SIZE)
			KUNIT_EXPECT_NE(test, pte_phys(s + off), ~0UL);
		s[0] = s[THREAD_SIZE - 1] = 1;
		free_thread_stack(s);
	}
	expect_baseline(test, &before);
}

/* vfree flushes just the area's pages: one INVLPG each up to the ceiling
 * (mm/tlb.h), a full flush past it; the guard page was never mapped and
 * needs none. */
KTEST(vmalloc, vfree_flushes_only_its_range)
{
	struct tlb_stats before;
	void *small = vmalloc(10 * PAGE_SIZE), *big = vmalloc(64 * PAGE_SIZE);

	KUNIT_EXPECT_TRUE(test, small && big);
	before = tlb_stats;
	vfree(small);
	KUNIT_EXPECT_EQ(test, tlb_stats.one - before.one, 10);
	KUNIT_EXPECT_EQ(test, tlb_stats.ranges - before.ranges, 1);
	KUNIT_EXPECT_EQ(test, tlb_stats.full, before.full);
	before = tlb_stats;
	vfree(big);
	KUNIT_EXPECT_EQ(test, tlb_stats.one, before.one);
	KUNIT_EXPECT_EQ(test, tlb_stats.full - before.full, 1);
}
