/* Host tests for kmalloc (mm/slab.c): bad frees (one line, nothing
 * changed), the cases only the per-slab free map catches and a check that
 * kfree reads no free object, kzalloc and kmalloc(0), running out of pages, and cache
 * creation, over the fake page allocator of tests/unit/slab_harness.h.
 * The test that fills the cache table must stay last. */
#include "tests/unit/unit.h"
#include "tests/unit/slab_harness.h"

/* ---- bad frees: one line, nothing changed ------------------------------------ */

struct snapshot {
	char slabinfo[sizeof(out_buf)];
	unsigned long pages, slab;
};

static void take_snapshot(struct snapshot *s)
{
	read_slabinfo();
	strcpy(s->slabinfo, out_buf);
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

/* ---- what only the free map catches, and what it must not cost ---------------- */

/* Frees and allocations in between leave the freed object deep in the
 * freelist, or hand it out again: only the ones still free are double. */
TEST(a_double_free_after_the_slab_was_partly_refilled_is_reported)
{
	static const int freed[] = { 2, 5, 7, 9 };
	static struct snapshot snap;
	unsigned char *o[10], *q[2];
	char line[128];
	int doubles = 0;

	setup();
	for (int i = 0; i < 10; i++)
		o[i] = kmalloc(128, GFP_KERNEL);
	for (unsigned int k = 0; k < ARRAY_SIZE(freed); k++)
		kfree(o[freed[k]]);
	q[0] = kmalloc(128, GFP_KERNEL);        /* the slab, partly refilled */
	q[1] = kmalloc(128, GFP_KERNEL);
	take_snapshot(&snap);
	for (unsigned int k = 0; k < ARRAY_SIZE(freed); k++) {
		unsigned char *p = o[freed[k]];

		if (p == q[0] || p == q[1])
			continue;                       /* live again */
		clear_msgs();
		kfree(p);
		snprintf(line, sizeof(line), "kfree(%p): double free in cache kmalloc-128\n",
			 (void *)p);
		EXPECT_TRUE(logged_once(line));
		EXPECT_EQ(ksize(p), 0);
		expect_unchanged(&snap);
		doubles++;
	}
	EXPECT_TRUE(doubles >= 2);
	clear_msgs();
	kfree(q[0]);
	kfree(q[1]);
	for (int i = 0; i < 10; i++)
		if (i != 2 && i != 5 && i != 7 && i != 9)
			kfree(o[i]);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* A clobbered link drops the free objects behind it off the list. They
 * are still free: freeing one is a double free, not a second live object
 * (a freelist walk stopped at the break, took b for live, and the slab's
 * count of live objects went wrong). */
TEST(a_double_free_behind_a_clobbered_link_is_still_reported)
{
	static struct snapshot snap;
	unsigned char *pin, *a, *b;
	char line[128];

	setup();
	pin = kmalloc(256, GFP_KERNEL);
	a = kmalloc(256, GFP_KERNEL);
	b = kmalloc(256, GFP_KERNEL);
	fill(pin, 256, 5);
	kfree(b);
	kfree(a);                               /* freelist: a, b, ... */
	memset(a, 0x41, 8);
	EXPECT_TRUE(kmalloc(256, GFP_KERNEL) == a);     /* reported; b is off the list */
	EXPECT_EQ(nr_lines, 1);
	take_snapshot(&snap);
	clear_msgs();
	kfree(b);
	snprintf(line, sizeof(line), "kfree(%p): double free in cache kmalloc-256\n", (void *)b);
	EXPECT_TRUE(logged_once(line));
	expect_unchanged(&snap);
	clear_msgs();
	kfree(a);
	EXPECT_TRUE(intact(pin, 256, 5));       /* its slab is still there */
	EXPECT_EQ(ksize(pin), 256);
	kfree(pin);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* A use after free that writes a live neighbour's address into the free
 * link: a valid object start, but not a free one. Followed, it would hand
 * the neighbour out a second time. */
TEST(a_free_link_to_a_live_object_is_reported_and_not_followed)
{
	unsigned char *pin, *a, *live, *objs[70];
	char line[128];

	setup();
	pin = kmalloc(64, GFP_KERNEL);
	a = kmalloc(64, GFP_KERNEL);
	live = kmalloc(64, GFP_KERNEL);
	fill(live, 64, 6);
	kfree(a);
	memcpy(a, &live, sizeof(live));
	EXPECT_TRUE(kmalloc(64, GFP_KERNEL) == a);
	snprintf(line, sizeof(line), "kmem_cache_alloc: kmalloc-64: object %p was written after free\n",
		 (void *)a);
	EXPECT_TRUE(logged_once(line));
	for (int i = 0; i < 70; i++) {          /* more than the slab's 64 */
		objs[i] = kmalloc(64, GFP_KERNEL);
		EXPECT_TRUE(objs[i] != live && objs[i] != pin && objs[i] != a);
		for (int j = 0; j < i; j++)
			EXPECT_TRUE(objs[i] != objs[j]);
	}
	EXPECT_TRUE(intact(live, 64, 6));
	for (int i = 0; i < 70; i++)
		kfree(objs[i]);
	kfree(live);
	kfree(a);
	kfree(pin);
	EXPECT_EQ(nr_lines, 1);
	expect_no_leak();
}

/* kmalloc-8 keeps its free map in the last 64 bytes of the page, past
 * its 504 objects: no object starts there. */
TEST(kfree_of_a_pointer_into_a_slabs_free_map_is_reported_and_ignored)
{
	static const size_t offsets[] = { 504 * 8, 504 * 8 + 8, PG - 8, PG - 1 };
	static struct snapshot snap;
	unsigned char *p, *base;
	char line[128];

	setup();
	p = kmalloc(8, GFP_KERNEL);
	base = (unsigned char *)((uintptr_t)p & ~(PG - 1));
	take_snapshot(&snap);
	for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
		clear_msgs();
		kfree(base + offsets[i]);
		snprintf(line, sizeof(line), "kfree(%p): not the start of an object in cache kmalloc-8\n",
			 (void *)(base + offsets[i]));
		EXPECT_TRUE(logged_once(line));
		EXPECT_EQ(ksize(base + offsets[i]), 0);
		expect_unchanged(&snap);
	}
	clear_msgs();
	kfree(p);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* Inside a free object, and in the padding after a live object of a cache
 * whose stride (64) is over its object size (40). */
TEST(a_pointer_inside_a_free_object_or_its_padding_is_reported_and_ignored)
{
	static struct snapshot snap;
	struct kmem_cache *c;
	unsigned char *x, *y, *bad[3];
	char line[128];

	setup();
	c = kmem_cache_create("test-pad", 40, 64, 0);
	x = kmem_cache_alloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, y);
	take_snapshot(&snap);
	bad[0] = x + 48;                        /* x's padding */
	bad[1] = y + 8;                         /* inside free y */
	bad[2] = y + 40;                        /* free y's padding */
	for (int i = 0; i < 3; i++) {
		clear_msgs();
		kmem_cache_free(c, bad[i]);
		snprintf(line, sizeof(line),
			 "kmem_cache_free(%p): not the start of an object in cache test-pad\n",
			 (void *)bad[i]);
		EXPECT_TRUE(logged_once(line));
		clear_msgs();
		kfree(bad[i]);
		snprintf(line, sizeof(line), "kfree(%p): not the start of an object in cache test-pad\n",
			 (void *)bad[i]);
		EXPECT_TRUE(logged_once(line));
		expect_unchanged(&snap);
	}
	clear_msgs();
	kmem_cache_free(c, x);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

/* The O(1) claim, checked: with every free object of a slab poisoned for
 * ASan, a double free is still reported and a good free still goes
 * through, so neither reads a free object (a freelist walk would). Once
 * with the free map in struct page (kmalloc-256), once at the page's end
 * (kmalloc-8). Without a sanitizer the poisoning does nothing. */
static void check_kfree_reads_no_free_object(unsigned int size, unsigned int per_slab)
{
	unsigned char *o[8], *base;
	char line[128];

	setup();
	for (int i = 0; i < 8; i++)
		o[i] = kmalloc(size, GFP_KERNEL);
	base = (unsigned char *)((uintptr_t)o[0] & ~(PG - 1));
	for (int i = 0; i < 8; i++)
		EXPECT_TRUE(o[i] >= base && o[i] < base + PG);  /* a fresh slab: one page */
	kfree(o[3]);
	kfree(o[5]);                            /* freelist: 5, 3, the never used */
	for (unsigned int i = 0; i < per_slab; i++) {
		unsigned char *p = base + i * size;
		bool live = false;

		for (int k = 0; k < 8; k++)
			live |= p == o[k] && k != 3 && k != 5;
		if (!live)
			SIM_POISON(p, size);
	}
	clear_msgs();
	kfree(o[3]);
	kfree(o[6]);
	for (unsigned int i = 0; i < per_slab; i++)
		SIM_UNPOISON(base + i * size, size);
	snprintf(line, sizeof(line), "kfree(%p): double free in cache %s\n", (void *)o[3],
		 class_name(size));
	EXPECT_TRUE(logged_once(line));
	clear_msgs();
	for (int i = 0; i < 8; i++)
		if (i != 3 && i != 5 && i != 6)
			kfree(o[i]);
	EXPECT_EQ(nr_lines, 0);
	expect_no_leak();
}

TEST(kfree_reads_no_free_object)
{
	check_kfree_reads_no_free_object(256, 16);
	check_kfree_reads_no_free_object(8, 504);
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
