/* Host tests for kmalloc (mm/slab.c): bad frees (one line, nothing
 * changed), kzalloc and kmalloc(0), running out of pages, and cache
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
