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
#include "tests/unit/unit.h"
#include "tests/unit/slab_harness.h"

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
 * size for the powers of two), inside one page clear of the free map at
 * its end, overlapping no other. */
TEST(each_class_packs_aligned_disjoint_objects_within_a_page)
{
	static void *objs[3 * 512];

	setup();
	for (int c = 0; c < NR_CLASSES; c++) {
		unsigned int size = classes[c];
		int n = 3 * (int)per_slab[c];

		for (int i = 0; i < n; i++) {
			uintptr_t a;

			objs[i] = kmalloc(size, GFP_KERNEL);
			a = (uintptr_t)objs[i];
			EXPECT_TRUE(a != 0);
			EXPECT_EQ(a % 8, 0);
			if (!(size & (size - 1)))
				EXPECT_EQ(a % size, 0);
			EXPECT_TRUE(a % PG + size <= per_slab[c] * size);
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
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
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

/* ---- random bad frees among the good ones ------------------------------------- */

#define MAX_DEAD 64     /* the last frees, kept to free again */

struct dead {
	unsigned char *p;
	size_t size;
};

static bool overlaps_a_live_one(const struct live *live, int n, const void *p, size_t len)
{
	for (int i = 0; i < n; i++)
		if (overlap(p, len, live[i].p, usable_size(live[i].size)))
			return true;
	return false;
}

/* The line kfree must print for d, a freed pointer that no live
 * allocation overlaps, if the model can tell: when d was a slab object and
 * a live object of its class shares its page, that page is still a slab of
 * that class, so d is an object start there, and a free one. Otherwise
 * the page may have gone to another cache or back: NULL. */
static const char *dead_line(const struct dead *d, const struct live *live, int n)
{
	static char line[128];
	unsigned int class = class_of(d->size);         /* 0: a large kmalloc */

	for (int i = 0; class && i < n; i++) {
		if (class_of(live[i].size) != class ||
		    (uintptr_t)live[i].p / PG != (uintptr_t)d->p / PG)
			continue;
		snprintf(line, sizeof(line), "kfree(%p): double free in cache %s\n",
			 (void *)d->p, class_name(class));
		return line;
	}
	return NULL;
}

/* The line for l->p + k, 0 < k < its usable size: inside a slab object or
 * the first page of a large kmalloc, or in a later page, which has no
 * marks at all. */
static const char *interior_line(const struct live *l, size_t k)
{
	static char line[128];
	void *p = l->p + k;

	if (l->size <= 4096)
		snprintf(line, sizeof(line), "kfree(%p): not the start of an object in cache %s\n",
			 p, class_name(class_of(l->size)));
	else if (k < PG)
		snprintf(line, sizeof(line),
			 "kfree(%p): not the start of an object in cache kmalloc-large\n", p);
	else
		snprintf(line, sizeof(line), "kfree(%p): not a kmalloc object\n", p);
	return line;
}

/* One line, and one of kfree's three for a bad pointer p. */
static bool logged_a_bad_free_of(const void *p)
{
	static const char *const whats[] = {
		"double free in cache ", "not the start of an object in cache ",
		"not a kmalloc object\n",
	};
	char head[64];
	const char *rest = msgs;

	snprintf(head, sizeof(head), "kfree(%p): ", p);
	if (nr_lines != 1 || strncmp(msgs, head, strlen(head)))
		return false;
	rest += strlen(head);
	for (unsigned int i = 0; i < ARRAY_SIZE(whats); i++)
		if (!strncmp(rest, whats[i], strlen(whats[i])))
			return true;
	return false;
}

/* kfree of a bad pointer: exactly one line (`want`, if the model knows
 * it), no size, and slabinfo and the pages out as they were. */
static void bad_free(const void *p, const char *want)
{
	static char before[sizeof(out_buf)];
	unsigned long pages = pages_out;

	read_slabinfo();
	strcpy(before, out_buf);
	clear_msgs();
	kfree(p);
	if (want)
		EXPECT_TRUE(logged_once(want));
	else
		EXPECT_TRUE(logged_a_bad_free_of(p));
	EXPECT_EQ(ksize(p), 0);
	EXPECT_EQ(pages_out, pages);
	read_slabinfo();
	EXPECT_STREQ(out_buf, before);
	clear_msgs();
}

/* The random run again, with bad frees mixed in: pointers freed a while
 * ago that no live allocation overlaps (a double free once more, unless
 * their page went elsewhere) and interior pointers of live allocations. */
TEST(random_bad_frees_are_each_reported_once_and_change_nothing)
{
	static struct live live[MAX_LIVE];
	static struct dead dead[MAX_DEAD];
	unsigned int nr_dead = 0, doubles = 0, interiors = 0, others = 0;
	int n = 0;

	setup();
	rng_state = 0x2545f4914f6cdd1dULL;
	for (unsigned int step = 0; step < 20000; step++) {
		uint64_t r = xorshift64();
		unsigned int what = r % 100;

		if (what < 8 && nr_dead) {
			struct dead *d = &dead[(r >> 8) % (nr_dead < MAX_DEAD ? nr_dead : MAX_DEAD)];
			const char *want;

			if (overlaps_a_live_one(live, n, d->p, 1))
				continue;               /* handed out again */
			want = dead_line(d, live, n);
			bad_free(d->p, want);
			if (want)
				doubles++;
			else
				others++;
		} else if (what < 12 && n) {
			struct live *l = &live[(r >> 8) % n];
			size_t k = 1 + (r >> 24) % (usable_size(l->size) - 1);

			bad_free(l->p + k, interior_line(l, k));
			interiors++;
		} else if (n < MAX_LIVE && (n == 0 || (r >> 32) % 100 < 55)) {
			model_add(live, &n, random_size(), step);
		} else {
			int i = (int)((r >> 8) % n);

			dead[nr_dead++ % MAX_DEAD] = (struct dead){ live[i].p, live[i].size };
			model_free(live, &n, i);
		}
		EXPECT_EQ(slab_pages(), pages_out);
		if (step % 250 == 0)
			for (int i = 0; i < n; i++)
				EXPECT_TRUE(intact(live[i].p, live[i].size, live[i].tag));
	}
	EXPECT_TRUE(doubles > 200 && interiors > 200 && others > 0);
	while (n)
		model_free(live, &n, n - 1);
	EXPECT_EQ(nr_lines, 0);                 /* the good frees said nothing */
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
		EXPECT_TRUE(slabinfo_of(class_name(classes[c]), &l));
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
	EXPECT_TRUE(strncmp(out_buf, SLABINFO_HEADER, strlen(SLABINFO_HEADER)) == 0);
	for (int c = 0; c < NR_CLASSES; c++) {
		EXPECT_TRUE(slabinfo_of(class_name(classes[c]), &l));
		EXPECT_EQ(l.perslab, per_slab[c]);
	}
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
