/* Shared by the kmalloc host tests (test_slab.c, test_slab_errors.c):
 * the printk that mm/slab.c calls (every message kept), the fake page
 * allocator under it, and the helpers and live-allocation model (see
 * test_slab.c). Static helpers are inline so a program that does not use
 * one gets no -Wunused-function. Include after tests/unit/unit.h. */
#ifndef TESTS_UNIT_SLAB_HARNESS_H
#define TESTS_UNIT_SLAB_HARNESS_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/slab_harness.h"
#endif
#include <stdint.h>
#include <string.h>
#include "mm/slab.h"
#include "kernel/printk.h"
#include "kernel/types.h"
#ifdef UNIT_HAVE_SANITIZER
#include <sanitizer/asan_interface.h>
#define SIM_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define SIM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define SIM_POISON(p, n)   ((void)(p), (void)(n))
#define SIM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PG              4096UL
#define NR_SIM_PAGES    4096    /* 16 MiB */

/* The size classes, written out here independently of slab.c's table. */
static const unsigned int classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};
#define NR_CLASSES ((int)ARRAY_SIZE(classes))

/* Objects per one-page slab of each class: PG / size, but for the classes
 * with over 96 objects, which give up the last few to the free map at the
 * page's end (a bit per object in 32-bit words: 504 objects + 64 bytes,
 * 254 + 32, 127 + 16). */
static const unsigned int per_slab[] = {
	504, 254, 127, 64, 42, 32, 21, 16, 8, 4, 2, 1,
};
_Static_assert(ARRAY_SIZE(per_slab) == ARRAY_SIZE(classes), "one count per class");

/* ---- printk: every message kept, lines counted --------------------------- */

#include "tests/unit/printk_capture.h"

/* Exactly one line was printed, and it is `line` (with its newline). */
static inline bool logged_once(const char *line)
{
	return nr_lines == 1 && strcmp(msgs, line) == 0;
}

/* ---- the fake page allocator ----------------------------------------------- */

static unsigned char sim_mem[NR_SIM_PAGES][PG] __attribute__((aligned(4096)));
static struct page sim_map[NR_SIM_PAGES];
static bool sim_used[NR_SIM_PAGES];
static unsigned long pages_out;                 /* handed out, not yet back */
static unsigned long page_limit = NR_SIM_PAGES; /* lower it to run out */
static int bad_page_frees;

struct page *mem_map = sim_map;
unsigned long max_pfn = NR_SIM_PAGES;

void *page_address(const struct page *page)
{
	return sim_mem[page - sim_map];
}

struct page *virt_to_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)sim_mem;

	if (a < base || a >= base + sizeof(sim_mem))
		return NULL;
	return &sim_map[(a - base) / PG];
}

static inline bool block_free(unsigned long pfn, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (sim_used[pfn + i])
			return false;
	return true;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long n = 1UL << order;

	(void)gfp;
	if (order > MAX_ORDER || pages_out + n > page_limit)
		return NULL;
	for (unsigned long pfn = 0; pfn + n <= NR_SIM_PAGES; pfn += n) {
		if (!block_free(pfn, n))
			continue;
		memset(&sim_used[pfn], 1, n);
		SIM_UNPOISON(sim_mem[pfn], n * PG);
		memset(sim_mem[pfn], 0xee, n * PG);     /* garbage, not zeroes */
		memset(&sim_map[pfn], 0, sizeof(struct page));
		sim_map[pfn].flags = PG_head;
		sim_map[pfn].order = order;
		sim_map[pfn].refcount = 1;
		pages_out += n;
		return &sim_map[pfn];
	}
	return NULL;
}

/* slab.c must hand back exactly what it took, with its own marks removed. */
void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page - sim_map, n = 1UL << order;

	if (pfn >= NR_SIM_PAGES || !sim_used[pfn] || page->flags != PG_head ||
	    page->order != order || page->slab_cache || page->freelist ||
	    page->inuse || page->lru.next || page->lru.prev) {
		bad_page_frees++;
		return;
	}
	memset(&sim_used[pfn], 0, n);
	memset(page, 0, sizeof(*page));
	SIM_POISON(sim_mem[pfn], n * PG);
	pages_out -= n;
}

/* ---- helpers ---------------------------------------------------------------- */

/* Every test starts here: caches made, nothing out, nothing logged. */
static inline void setup(void)
{
	static bool done;

	if (!done) {
		SIM_POISON(sim_mem, sizeof(sim_mem));
		kmem_cache_init();
		done = true;
	}
	EXPECT_EQ(pages_out, 0);
	EXPECT_EQ(slab_pages(), 0);
	page_limit = NR_SIM_PAGES;
	bad_page_frees = 0;
	clear_msgs();
}

/* The test's end: everything given back, and nothing given back wrong. */
static inline void expect_no_leak(void)
{
	EXPECT_EQ(pages_out, 0);
	EXPECT_EQ(slab_pages(), 0);
	EXPECT_EQ(bad_page_frees, 0);
}

/* slabinfo_print's whole output, into out_buf. */
static inline void read_slabinfo(void)
{
	out_reset();
	slabinfo_print(out_capture);
}

/* The slabinfo numbers of one cache; false if it has no line. */
struct cache_line {
	unsigned long active, total, objsize, perslab, pages, aslabs, slabs;
};

static inline bool slabinfo_of(const char *name, struct cache_line *l)
{
	char want[64], got[64];
	const char *p;

	read_slabinfo();
	snprintf(want, sizeof(want), "\n%s ", name);
	p = strstr(out_buf, want);
	if (!p)
		return false;
	return sscanf(p + 1, "%63s %lu %lu %lu %lu %lu : slabs %lu %lu", got, &l->active,
		      &l->total, &l->objsize, &l->perslab, &l->pages, &l->aslabs,
		      &l->slabs) == 8;
}

/* The name of the kmalloc cache of class `size`, as Linux names them. */
static inline const char *class_name(unsigned int size)
{
	static char name[32];

	if (size < 1024)
		snprintf(name, sizeof(name), "kmalloc-%u", size);
	else
		snprintf(name, sizeof(name), "kmalloc-%uk", size / 1024);
	return name;
}

static inline unsigned int class_of(size_t size)
{
	for (int i = 0; i < NR_CLASSES; i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* What ksize must say for a kmalloc of size: the class, or whole pages,
 * a power of two of them, over 4096. */
static inline size_t usable_size(size_t size)
{
	size_t bytes = PG;

	if (size <= 4096)
		return class_of(size);
	while (bytes < size)
		bytes *= 2;
	return bytes;
}

static uint64_t rng_state;

static inline uint64_t xorshift64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The byte the model expects at offset i of live allocation `tag`. */
static unsigned char pattern(unsigned int tag, size_t i)
{
	return (unsigned char)(tag * 131 + i * 7 + (i >> 8));
}

static inline void fill(void *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = pattern(tag, i);
}

static inline bool intact(const void *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != pattern(tag, i))
			return false;
	return true;
}

static inline bool all_bytes(const void *p, size_t from, size_t to, unsigned char v)
{
	for (size_t i = from; i < to; i++)
		if (((const unsigned char *)p)[i] != v)
			return false;
	return true;
}

static inline bool overlap(const void *a, size_t an, const void *b, size_t bn)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + bn && y < x + an;
}

#endif
