/* Host tests for kmalloc and the object caches (mm/slab.c), alone.
 *
 * The page allocator under slab.c is a fake here: NR_SIM_PAGES page-aligned
 * pages of simulated memory with a struct page each, handed out first-fit
 * (a block of 2^order pages aligned to its size, as the buddy allocator's
 * are) and counted. Pages not handed out are poisoned for ASan, so slab.c
 * touching a page it gave back is a sanitizer report.
 *
 * The reference model is the list of live allocations with their sizes
 * and a byte pattern written into each: objects must never overlap, their
 * bytes must never change, and the pages the fake has handed out must
 * always equal slab_pages() and return to zero when everything is freed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "mm/slab.h"
#include "kernel/printk.h"
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
#define NR_CLASSES ((int)(sizeof(classes) / sizeof(classes[0])))

/* ---- printk: every message kept, lines counted --------------------------- */

static char msgs[1 << 14];
static size_t msgs_len;
static int nr_lines;

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		nr_lines += *p == '\n';
	EXPECT_TRUE(strchr(buf, '\n') && !strchr(buf, '\n')[1]);     /* one whole line */
	if (msgs_len + strlen(buf) + 1 < sizeof(msgs)) {
		strcpy(msgs + msgs_len, buf[0] == KERN_SOH[0] ? buf + 2 : buf);
		msgs_len += strlen(msgs + msgs_len);
	}
	return n;
}

static void clear_msgs(void)
{
	msgs[0] = 0;
	msgs_len = 0;
	nr_lines = 0;
}

/* Exactly one line was printed, and it is `line` (with its newline). */
static bool logged_once(const char *line)
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

static bool block_free(unsigned long pfn, unsigned long n)
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
	    page->inuse || page->next || page->prev) {
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
static void setup(void)
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
static void expect_no_leak(void)
{
	EXPECT_EQ(pages_out, 0);
	EXPECT_EQ(slab_pages(), 0);
	EXPECT_EQ(bad_page_frees, 0);
}

static char info[1 << 13];
static size_t info_len;

static int info_out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(info + info_len, sizeof(info) - info_len, fmt, ap);
	va_end(ap);
	info_len += n;
	return n;
}

/* slabinfo_print's whole output, into info[]. */
static void read_slabinfo(void)
{
	info_len = 0;
	info[0] = 0;
	slabinfo_print(info_out);
}

/* The slabinfo numbers of one cache; false if it has no line. */
struct cache_line {
	unsigned long active, total, objsize, perslab, pages, aslabs, slabs;
};

static bool slabinfo_of(const char *name, struct cache_line *l)
{
	char want[64], got[64];
	const char *p;

	read_slabinfo();
	snprintf(want, sizeof(want), "\n%s ", name);
	p = strstr(info, want);
	if (!p)
		return false;
	return sscanf(p + 1, "%63s %lu %lu %lu %lu %lu : slabs %lu %lu", got, &l->active,
		      &l->total, &l->objsize, &l->perslab, &l->pages, &l->aslabs,
		      &l->slabs) == 8;
}

static unsigned int class_of(size_t size)
{
	for (int i = 0; i < NR_CLASSES; i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* What ksize must say for a kmalloc of size: the class, or whole pages,
 * a power of two of them, over 4096. */
static size_t usable_size(size_t size)
{
	size_t bytes = PG;

	if (size <= 4096)
		return class_of(size);
	while (bytes < size)
		bytes *= 2;
	return bytes;
}

static uint64_t rng_state;

static uint64_t xorshift64(void)
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

static void fill(void *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = pattern(tag, i);
}

static bool intact(const void *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != pattern(tag, i))
			return false;
	return true;
}

static bool all_bytes(const void *p, size_t from, size_t to, unsigned char v)
{
	for (size_t i = from; i < to; i++)
		if (((const unsigned char *)p)[i] != v)
			return false;
	return true;
}

static bool overlap(const void *a, size_t an, const void *b, size_t bn)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + bn && y < x + an;
}

/* ---- size classes ----------------------------------------------------------- */

TEST(every_size_up_to_4096_gets_the_smallest_class_that_holds_it)
{
	setup();
	for (size_t size = 1; size <= 4096; size++) {
		void *p = kmalloc(size, GFP_KERNEL);

		EXPECT_TRUE(p != NULL);
		EXPECT_EQ(ksize(p), class_of(size));
		kfree(p);
	}
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* Three slabs' worth of each class: every object aligned to 8 (and to its
 * size for the powers of two), inside one page, overlapping no other. */
TEST(each_class_packs_aligned_disjoint_objects_within_a_page)
{
	static void *objs[3 * 512];

	setup();
	for (int c = 0; c < NR_CLASSES; c++) {
		unsigned int size = classes[c];
		int n = 3 * (int)(PG / size);

		for (int i = 0; i < n; i++) {
			uintptr_t a;

			objs[i] = kmalloc(size, GFP_KERNEL);
			a = (uintptr_t)objs[i];
			EXPECT_TRUE(a != 0);
			EXPECT_EQ(a % 8, 0);
			if (!(size & (size - 1)))
				EXPECT_EQ(a % size, 0);
			EXPECT_EQ(a / PG, (a + size - 1) / PG);
			EXPECT_TRUE(virt_to_page(objs[i])->flags & PG_slab);
			for (int j = 0; j < i; j++)
				if (overlap(objs[i], size, objs[j], size))
					EXPECT_TRUE(!"objects overlap");
		}
		EXPECT_EQ(pages_out, 3);                /* packed: 3 full pages */
		for (int i = 0; i < n; i++)
			kfree(objs[i]);
		EXPECT_EQ(pages_out, 0);
	}
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(over_4096_bytes_takes_the_smallest_power_of_two_of_pages)
{
	static const struct { size_t size; unsigned long pages; } cases[] = {
		{ 4097, 2 }, { 8192, 2 }, { 8193, 4 }, { 16384, 4 }, { 16385, 8 },
		{ 4UL << 20, 1024 },
	};

	setup();
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *p = kmalloc(cases[i].size, GFP_KERNEL);

		EXPECT_TRUE(p != NULL);
		EXPECT_EQ((uintptr_t)p % PG, 0);
		EXPECT_EQ(ksize(p), cases[i].pages * PG);
		EXPECT_EQ(pages_out, cases[i].pages);
		EXPECT_EQ(slab_pages(), cases[i].pages);
		kfree(p);
		EXPECT_EQ(ksize(p), 0);
	}
	EXPECT_TRUE(kmalloc((4UL << 20) + 1, GFP_KERNEL) == NULL);     /* over MAX_ORDER */
	EXPECT_EQ(nr_lines, 1);
	EXPECT_TRUE(kmalloc((4UL << 20) + 1, __GFP_NOWARN) == NULL);
	EXPECT_EQ(nr_lines, 1);
	expect_no_leak();
}

/* ---- the random run against the model --------------------------------------- */

#define MAX_LIVE 300

struct live {
	unsigned char *p;
	size_t size;
	unsigned int tag;
};

static size_t random_size(void)
{
	uint64_t r = xorshift64();

	switch (r % 4) {
	case 0:
	case 1:  return 1 + (r >> 8) % 256;
	case 2:  return 1 + (r >> 8) % 4096;
	default: return 1 + (r >> 8) % 16384;
	}
}

/* A new allocation must overlap no live one and be at least as big as asked. */
static void model_add(struct live *live, int *n, size_t size, unsigned int tag)
{
	unsigned char *p = kmalloc(size, GFP_KERNEL);

	EXPECT_TRUE(p != NULL);
	if (!p)
		return;
	EXPECT_EQ(ksize(p), usable_size(size));
	for (int i = 0; i < *n; i++)
		if (overlap(p, usable_size(size), live[i].p, usable_size(live[i].size)))
			EXPECT_TRUE(!"new object overlaps a live one");
	fill(p, size, tag);
	live[(*n)++] = (struct live){ p, size, tag };
}

static void model_free(struct live *live, int *n, int i)
{
	EXPECT_TRUE(intact(live[i].p, live[i].size, live[i].tag));
	kfree(live[i].p);
	live[i] = live[--(*n)];
}

TEST(random_kmalloc_kfree_never_changes_a_live_object)
{
	static struct live live[MAX_LIVE];
	unsigned long peak = 0;
	int n = 0;

	setup();
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned int step = 0; step < 20000; step++) {
		uint64_t r = xorshift64();

		if (n < MAX_LIVE && (n == 0 || r % 100 < 55))
			model_add(live, &n, random_size(), step);
		else
			model_free(live, &n, (int)((r >> 8) % n));
		EXPECT_EQ(slab_pages(), pages_out);
		peak = pages_out > peak ? pages_out : peak;
		if (step % 250 == 0)
			for (int i = 0; i < n; i++)
				EXPECT_TRUE(intact(live[i].p, live[i].size, live[i].tag));
	}
	EXPECT_TRUE(peak > 200);                /* the run did reach big heaps */
	while (n)
		model_free(live, &n, n - 1);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(freeing_everything_gives_every_page_back_and_empties_slabinfo)
{
	static void *objs[2000];
	struct cache_line l;

	setup();
	for (int i = 0; i < 2000; i++)
		objs[i] = kmalloc(1 + (i * 37) % 6000, GFP_KERNEL);
	EXPECT_TRUE(pages_out > 0);
	EXPECT_EQ(slab_pages(), pages_out);
	for (int i = 0; i < 2000; i += 2)       /* evens, then odds: slabs go partial */
		kfree(objs[i]);
	for (int i = 1; i < 2000; i += 2)
		kfree(objs[i]);
	expect_no_leak();
	for (int c = 0; c < NR_CLASSES; c++) {
		char name[32];

		snprintf(name, sizeof(name), classes[c] < 1024 ? "kmalloc-%u" : "kmalloc-%uk",
			 classes[c] < 1024 ? classes[c] : classes[c] / 1024);
		EXPECT_TRUE(slabinfo_of(name, &l));
		EXPECT_EQ(l.active, 0);
		EXPECT_EQ(l.slabs, 0);
	}
	EXPECT_EQ(nr_lines, 0);
}

#define SLABINFO_HEADER "# name            <active_objs> <num_objs> <objsize> " \
	"<objperslab> <pagesperslab> : slabs <active_slabs> <num_slabs>\n"

TEST(slabinfo_counts_objects_and_slabs)
{
	static void *objs[70];
	struct cache_line l;

	setup();
	for (int i = 0; i < 70; i++)            /* 64 fill one slab, 6 start a second */
		objs[i] = kmalloc(64, GFP_KERNEL);
	EXPECT_TRUE(slabinfo_of("kmalloc-64", &l));
	EXPECT_EQ(l.active, 70);
	EXPECT_EQ(l.total, 128);
	EXPECT_EQ(l.objsize, 64);
	EXPECT_EQ(l.perslab, 64);
	EXPECT_EQ(l.pages, 1);
	EXPECT_EQ(l.aslabs, 2);
	EXPECT_EQ(l.slabs, 2);
	EXPECT_TRUE(strncmp(info, SLABINFO_HEADER, strlen(SLABINFO_HEADER)) == 0);
	EXPECT_TRUE(slabinfo_of("kmalloc-96", &l));
	EXPECT_EQ(l.perslab, 42);
	EXPECT_TRUE(slabinfo_of("kmalloc-192", &l));
	EXPECT_EQ(l.perslab, 21);
	for (int i = 0; i < 70; i++)
		kfree(objs[i]);
	expect_no_leak();
}

/* ---- poison ----------------------------------------------------------------- */

TEST(a_freed_object_reads_poison_and_a_new_one_too)
{
	unsigned char *pin, *p;

	setup();
	pin = kmalloc(64, GFP_KERNEL);          /* keeps the slab alive */
	p = kmalloc(64, GFP_KERNEL);
	EXPECT_TRUE(all_bytes(p, 0, 64, POISON_FREE));   /* never written: poison */
	memset(p, 0, 64);
	kfree(p);
	EXPECT_TRUE(all_bytes(p, 8, 64, POISON_FREE));   /* 0..7: the free link */
	kfree(pin);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(a_write_after_free_is_reported_at_the_next_alloc)
{
	unsigned char *pin, *p, *q;
	char line[128];

	setup();
	pin = kmalloc(128, GFP_KERNEL);
	p = kmalloc(128, GFP_KERNEL);
	kfree(p);
	p[100] = 0;                             /* the use after free */
	EXPECT_EQ(nr_lines, 0);
	q = kmalloc(128, GFP_KERNEL);           /* LIFO: the same object */
	EXPECT_TRUE(q == p);
	snprintf(line, sizeof(line), "kmem_cache_alloc: kmalloc-128: object %p was written after free\n",
		 (void *)p);
	EXPECT_TRUE(logged_once(line));
	clear_msgs();
	kfree(q);
	q = kmalloc(128, GFP_KERNEL);           /* clean this time */
	EXPECT_EQ(nr_lines, 0);
	kfree(q);
	kfree(pin);
	expect_no_leak();
}

/* Overwriting the free link is reported and the wild pointer not followed:
 * later allocations are good objects, and everything still goes back. */
TEST(a_clobbered_free_link_is_reported_and_not_followed)
{
	unsigned char *pin, *a, *b, *objs[40];
	char line[128];

	setup();
	pin = kmalloc(256, GFP_KERNEL);
	a = kmalloc(256, GFP_KERNEL);
	b = kmalloc(256, GFP_KERNEL);
	kfree(b);
	kfree(a);                               /* freelist: a, b, ... */
	memset(a, 0x41, 8);
	EXPECT_TRUE(kmalloc(256, GFP_KERNEL) == a);
	snprintf(line, sizeof(line), "kmem_cache_alloc: kmalloc-256: object %p was written after free\n",
		 (void *)a);
	EXPECT_TRUE(logged_once(line));
	for (int i = 0; i < 40; i++) {
		objs[i] = kmalloc(256, GFP_KERNEL);
		EXPECT_TRUE(virt_to_page(objs[i]) && ksize(objs[i]) == 256);
		EXPECT_FALSE(overlap(objs[i], 256, pin, 256) || overlap(objs[i], 256, a, 256));
		for (int j = 0; j < i; j++)
			EXPECT_TRUE(objs[i] != objs[j]);
	}
	EXPECT_EQ(nr_lines, 1);
	for (int i = 0; i < 40; i++)
		kfree(objs[i]);
	kfree(a);
	kfree(pin);
	EXPECT_EQ(nr_lines, 1);
	expect_no_leak();
}

/* ---- bad frees: one line, nothing changed ------------------------------------ */

struct snapshot {
	char slabinfo[sizeof(info)];
	unsigned long pages, slab;
};

static void take_snapshot(struct snapshot *s)
{
	read_slabinfo();
	strcpy(s->slabinfo, info);
	s->pages = pages_out;
	s->slab = slab_pages();
}

static void expect_unchanged(const struct snapshot *before)
{
	static struct snapshot now;

	take_snapshot(&now);
	EXPECT_STREQ(now.slabinfo, before->slabinfo);
	EXPECT_EQ(now.pages, before->pages);
	EXPECT_EQ(now.slab, before->slab);
}

TEST(kfree_of_a_pointer_not_from_kmalloc_is_reported_and_ignored)
{
	static struct snapshot snap;
	static char static_buf[64];
	char stack_buf[64], line[128];
	unsigned char *p;
	struct page *other;
	void *bad[3];

	setup();
	p = kmalloc(32, GFP_KERNEL);
	fill(p, 32, 7);
	other = alloc_pages(GFP_KERNEL, 0);     /* someone else's page */
	bad[0] = stack_buf;
	bad[1] = static_buf;
	bad[2] = page_address(other);
	take_snapshot(&snap);
	for (int i = 0; i < 3; i++) {
		clear_msgs();
		kfree(bad[i]);
		snprintf(line, sizeof(line), "kfree(%p): not a kmalloc object\n", bad[i]);
		EXPECT_TRUE(logged_once(line));
		EXPECT_EQ(ksize(bad[i]), 0);
		expect_unchanged(&snap);
	}
	EXPECT_TRUE(intact(p, 32, 7));
	kfree(p);
	__free_pages(other, 0);
	expect_no_leak();
}

TEST(kfree_of_an_interior_pointer_is_reported_and_ignored)
{
	static struct snapshot snap;
	unsigned char *p, *big;
	char line[128];

	setup();
	p = kmalloc(64, GFP_KERNEL);
	big = kmalloc(10000, GFP_KERNEL);
	fill(p, 64, 1);
	fill(big, 10000, 2);
	take_snapshot(&snap);
	kfree(p + 8);
	snprintf(line, sizeof(line), "kfree(%p): not the start of an object in cache kmalloc-64\n",
		 (void *)(p + 8));
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	clear_msgs();
	kfree(big + 16);
	snprintf(line, sizeof(line), "kfree(%p): not the start of an object in cache kmalloc-large\n",
		 (void *)(big + 16));
	EXPECT_TRUE(logged_once(line));
	clear_msgs();
	kfree(big + PG);                        /* a tail page: no marks at all */
	snprintf(line, sizeof(line), "kfree(%p): not a kmalloc object\n", (void *)(big + PG));
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	EXPECT_EQ(ksize(p + 8), 0);
	EXPECT_EQ(ksize(big + 16), 0);
	EXPECT_TRUE(intact(p, 64, 1) && intact(big, 10000, 2));
	kfree(p);
	kfree(big);
	expect_no_leak();
}

TEST(a_double_free_is_reported_and_leaves_the_freelist_sound)
{
	static struct snapshot snap;
	unsigned char *pin, *p, *q, *r;
	char line[128];

	setup();
	pin = kmalloc(512, GFP_KERNEL);
	p = kmalloc(512, GFP_KERNEL);
	fill(pin, 512, 3);
	kfree(p);
	take_snapshot(&snap);
	kfree(p);
	snprintf(line, sizeof(line), "kfree(%p): double free in cache kmalloc-512\n", (void *)p);
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	EXPECT_EQ(ksize(p), 0);
	q = kmalloc(512, GFP_KERNEL);           /* had the second free gone through, */
	r = kmalloc(512, GFP_KERNEL);           /* these two would be the same */
	EXPECT_TRUE(q != r && q != pin && r != pin);
	EXPECT_TRUE(intact(pin, 512, 3));
	kfree(q);
	kfree(r);
	kfree(pin);
	EXPECT_EQ(nr_lines, 1);
	expect_no_leak();
}

TEST(kmem_cache_free_to_the_wrong_cache_is_reported_and_ignored)
{
	static struct snapshot snap;
	struct kmem_cache *a, *b;
	unsigned char *x;
	char line[128];

	setup();
	a = kmem_cache_create("test-a", 40, 0, 0);
	b = kmem_cache_create("test-b", 40, 0, 0);
	EXPECT_TRUE(a && b);
	x = kmem_cache_alloc(a, GFP_KERNEL);
	EXPECT_EQ(ksize(x), 40);
	fill(x, 40, 4);
	take_snapshot(&snap);
	kmem_cache_free(b, x);
	snprintf(line, sizeof(line), "kmem_cache_free(%p): object of cache test-a, not test-b\n",
		 (void *)x);
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	EXPECT_TRUE(intact(x, 40, 4));
	clear_msgs();
	kmem_cache_free(a, x + 40);             /* the next object, not yet handed out */
	snprintf(line, sizeof(line), "kmem_cache_free(%p): double free in cache test-a\n",
		 (void *)(x + 40));
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	clear_msgs();
	kmem_cache_free(a, x);
	kmem_cache_free(a, NULL);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(kfree_null_does_nothing)
{
	static struct snapshot snap;
	void *p;

	setup();
	p = kmalloc(16, GFP_KERNEL);
	take_snapshot(&snap);
	kfree(NULL);
	EXPECT_EQ(ksize(NULL), 0);
	EXPECT_EQ(nr_lines, 0);
	expect_unchanged(&snap);
	kfree(p);
	expect_no_leak();
}

/* ---- kzalloc, kmalloc(0), running out ---------------------------------------- */

TEST(kzalloc_zeroes_the_whole_usable_size)
{
	unsigned char *pin, *p, *big;

	setup();
	pin = kmalloc(1000, GFP_KERNEL);
	p = kmalloc(1000, GFP_KERNEL);
	memset(p, 0xff, ksize(p));
	kfree(p);
	p = kzalloc(1000, GFP_KERNEL);          /* the same, dirty, object */
	EXPECT_EQ(ksize(p), 1024);
	EXPECT_TRUE(all_bytes(p, 0, 1024, 0));
	big = kzalloc(5000, GFP_KERNEL);        /* the fake hands out 0xee pages */
	EXPECT_TRUE(all_bytes(big, 0, 8192, 0));
	kfree(big);
	kfree(p);
	kfree(pin);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(kmalloc_of_zero_bytes_returns_null)
{
	setup();
	EXPECT_TRUE(kmalloc(0, GFP_KERNEL) == NULL);
	EXPECT_TRUE(kzalloc(0, GFP_KERNEL) == NULL);
	EXPECT_EQ(pages_out, 0);
	expect_no_leak();
}

TEST(out_of_pages_returns_null_and_partial_slabs_still_serve)
{
	struct kmem_cache *c;
	void *a, *b, *big;

	setup();
	c = kmem_cache_create("test-oom", 100, 0, 0);
	a = kmalloc(64, GFP_KERNEL);
	page_limit = pages_out;                 /* not one page more */
	EXPECT_TRUE(kmalloc(32, GFP_KERNEL) == NULL);           /* needs a slab */
	EXPECT_TRUE(kmalloc(5000, GFP_KERNEL) == NULL);
	EXPECT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == NULL);
	b = kmalloc(64, GFP_KERNEL);            /* kmalloc-64 has room */
	EXPECT_TRUE(b != NULL && b != a);
	EXPECT_EQ(pages_out, 1);
	page_limit = NR_SIM_PAGES;
	big = kmalloc(5000, GFP_KERNEL);
	EXPECT_TRUE(big != NULL);
	kfree(big);
	kfree(a);
	kfree(b);
	expect_no_leak();
}

/* ---- caches ----------------------------------------------------------------- */

TEST(kmem_cache_create_checks_size_and_alignment)
{
	struct kmem_cache *c;
	void *objs[130];
	struct cache_line l;

	setup();
	EXPECT_TRUE(kmem_cache_create("t0", 0, 0, 0) == NULL);
	EXPECT_TRUE(kmem_cache_create("t1", 4097, 0, 0) == NULL);
	EXPECT_TRUE(kmem_cache_create("t2", 40, 24, 0) == NULL);
	EXPECT_TRUE(kmem_cache_create("t3", 40, 8192, 0) == NULL);
	EXPECT_EQ(nr_lines, 4);
	clear_msgs();
	c = kmem_cache_create("test-aligned-64", 40, 64, 0);
	EXPECT_TRUE(c != NULL);
	for (int i = 0; i < 130; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		EXPECT_EQ((uintptr_t)objs[i] % 64, 0);
		EXPECT_EQ(ksize(objs[i]), 40);
	}
	EXPECT_TRUE(slabinfo_of("test-aligned-64", &l));
	EXPECT_EQ(l.active, 130);
	EXPECT_EQ(l.objsize, 64);
	EXPECT_EQ(l.perslab, 64);
	EXPECT_EQ(l.slabs, 3);
	for (int i = 0; i < 130; i++)
		kfree(objs[i]);                 /* kfree takes any cache's objects */
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* Last: it uses up the cache table for good. */
TEST(kmem_cache_create_says_no_when_the_table_is_full)
{
	int made = 0;
	void *p;

	setup();
	while (made < 100 && kmem_cache_create("test-fill", 16, 0, 0))
		made++;
	EXPECT_TRUE(made > 0 && made < 32);
	EXPECT_TRUE(logged_once("kmem_cache_create(test-fill): all 32 caches in use\n"));
	p = kmalloc(16, GFP_KERNEL);            /* kmalloc is unaffected */
	EXPECT_TRUE(p != NULL);
	kfree(p);
	expect_no_leak();
}
