/* The virtual area allocator (mm/vmap_area.c) against a reference model.
 *
 * Tree nodes come from this file's vmap_area_node_alloc: malloc, counted
 * (so a leaked or doubly freed node shows), filled with garbage, and made
 * to fail on demand. The model is a sorted array of the busy ranges
 * [start, end); it allocates by a linear scan of the gaps for the lowest
 * aligned address that fits, which is what alloc_vmap_area promises: every
 * allocation must return the model's address, or both must fail. The trees
 * are then walked and must agree with the model: the busy areas in order,
 * free blocks merged and tiling the rest of the space, nr_busy/nr_free, the
 * subtree_max_size of every free node, treap order, find_vmap_area at the
 * edges and middle of every range; areas allocated as vmalloc does (one
 * guard page more than it maps) must keep their guard page to themselves.
 *
 * Random runs in the kernel's 32 TiB space and a 64-page one (exhaustion,
 * exact fits); then Linux's lib/test_vmalloc.c scenarios re-created. */
#include <stdint.h>
#include "tests/unit/unit.h"
#include "tests/unit/printk_capture.h"     /* the lab stub of find_lowest_fit prints */
#include "mm/vmap_area.h"
#include "kernel/errno.h"
#include "kernel/types.h"

#define PG              4096UL
#define BIG_START       0xffffc90000000000UL    /* VMALLOC_START */
#define BIG_END         0xffffe90000000000UL    /* 32 TiB */
#define SMALL_PAGES     64UL
#define SMALL_START     0xffffc90000100000UL    /* 1 MiB-aligned, not more */
#define SMALL_END       (SMALL_START + SMALL_PAGES * PG)
#define MAX_LIVE        20000

/* ---- node memory ---------------------------------------------------------- */

static long live_nodes;
static int node_fail_after = -1;        /* fail the one after N more */

struct vmap_area *vmap_area_node_alloc(void)
{
	struct vmap_area *va;

	if (node_fail_after >= 0 && node_fail_after-- == 0)
		return NULL;
	if (!(va = malloc(sizeof(*va))))
		abort();
	memset(va, 0xa5, sizeof(*va));         /* garbage, not zeroes */
	live_nodes++;
	return va;
}

void vmap_area_node_free(struct vmap_area *va)
{
	live_nodes--;
	memset(va, 0x5a, sizeof(*va));
	free(va);
}

#ifdef UNIT_HAVE_SANITIZER
/* A space abandoned after a failure leaks on purpose; node leaks are
 * caught by live_nodes, test by test. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

/* ---- the model ------------------------------------------------------------ */

/* mapped: vmalloc-like, the bytes before the guard page (else 0) */
struct range { unsigned long start, end, mapped; struct vmap_area *va; };

static struct vmap_space sp;
static struct range busy[MAX_LIVE];
static int nbusy, last_at;              /* last_at: where alloc() put its area */

static void setup(unsigned long start, unsigned long end)
{
	EXPECT_EQ(vmap_space_init(&sp, start, end), 0);
	EXPECT_EQ(live_nodes, 1);
	nbusy = 0;
}

/* The lowest address in [sp.start, sp.end) free for size bytes aligned to
 * align, by a scan of the gaps between busy ranges; 0 if none (or bad
 * input). *at: where the range goes in busy[]. */
static unsigned long model_fit(unsigned long size, unsigned long align, int *at)
{
	unsigned long gap = sp.start;

	if (!size || size % PG || !align || (align & (align - 1)))
		return 0;
	for (int i = 0; i <= nbusy; i++) {
		unsigned long gap_end = i < nbusy ? busy[i].start : sp.end;
		unsigned long a = (gap + align - 1) & ~(align - 1);

		if (a >= gap && a <= gap_end && gap_end - a >= size) {
			*at = i;
			return a;
		}
		if (i < nbusy)
			gap = busy[i].end;
	}
	return 0;
}

/* alloc_vmap_area beside the model: the area (entered in the model where
 * the allocator put it, so one wrong answer does not cascade) or NULL. */
static struct vmap_area *alloc(unsigned long size, unsigned long align)
{
	int at = 0;
	unsigned long want = model_fit(size, align, &at);
	struct vmap_area *va = alloc_vmap_area(&sp, size, align);
	unsigned long got = va ? va->va_start : 0;

	if (got != want) {
		UNIT_DIAG("alloc(size %#lx, align %#lx) with %d busy: want %#lx, got %#lx",
			  size, align, nbusy, want, got);
		EXPECT_EQ(got, want);
		for (at = 0; at < nbusy && busy[at].start < got; at++)
			;
	}
	if (!va)
		return NULL;
	EXPECT_TRUE(va->va_end - va->va_start == size && (va->va_start & (align - 1)) == 0);
	EXPECT_TRUE(at == 0 || busy[at - 1].end <= got);
	EXPECT_TRUE(at == nbusy || busy[at].start >= got + size);
	if (nbusy == MAX_LIVE)
		abort();
	memmove(&busy[at + 1], &busy[at], (nbusy - at) * sizeof(busy[0]));
	busy[at] = (struct range){ got, got + size, 0, va };
	nbusy++;
	last_at = at;
	return va;
}

/* An area's start, 0 for none (a wrong answer then fails, not crashes). */
static unsigned long at_(const struct vmap_area *va) { return va ? va->va_start : 0; }

/* As vmalloc does: one guard page more than is mapped. */
static struct vmap_area *vmalloc_like(unsigned long size, unsigned long align)
{
	struct vmap_area *va = alloc(size + PG, align);

	if (va)
		busy[last_at].mapped = size;
	return va;
}

static void release(int i)
{
	if (i >= nbusy)
		abort();        /* an earlier failure; no use going on */
	free_vmap_area(&sp, busy[i].va);
	memmove(&busy[i], &busy[i + 1], (nbusy - i - 1) * sizeof(busy[0]));
	nbusy--;
}

/* Frees every area in random order (the model unsorted and emptied).
 * After a failure the space is abandoned for a new one: it may be corrupt. */
static void release_all_randomly(void)
{
	if (unit_failures) {
		nbusy = live_nodes = 0;
		vmap_space_init(&sp, sp.start, sp.end);
	}
	while (nbusy) {
		int i = rnd() % nbusy;

		free_vmap_area(&sp, busy[i].va);
		busy[i] = busy[--nbusy];
	}
}

/* ---- invariants ----------------------------------------------------------- */

struct walk { struct vmap_area **v; int n; };
static struct vmap_area *wbusy[MAX_LIVE + 1], *wfree[MAX_LIVE + 2];
static int max_depth;

static void collect(struct vmap_area *va, void *arg)
{
	struct walk *w = arg;

	if (w->n <= MAX_LIVE)
		w->v[w->n] = va;
	w->n++;
}

/* The largest block in t's subtree, checked against subtree_max_size (in
 * the free tree) and the heap order of the priorities on the way. */
static unsigned long check_subtree(const struct vmap_area *t, unsigned int prio_above,
				   int depth, bool augmented)
{
	unsigned long m, l, r;

	if (!t)
		return 0;
	max_depth = depth > max_depth ? depth : max_depth;
	EXPECT_TRUE(t->prio <= prio_above);
	m = t->va_end - t->va_start;
	l = check_subtree(t->left, t->prio, depth + 1, augmented);
	r = check_subtree(t->right, t->prio, depth + 1, augmented);
	m = l > m ? l : m;
	m = r > m ? r : m;
	if (augmented)
		EXPECT_EQ(t->subtree_max_size, m);
	return m;
}

static void check_space(void)
{
	struct walk b = { wbusy, 0 }, f = { wfree, 0 };
	unsigned long at = sp.start;
	bool last_free = false;
	int i = 0, j = 0;

	vmap_for_each_busy(&sp, collect, &b);
	vmap_for_each_free(&sp, collect, &f);
	EXPECT_TRUE(b.n == nbusy && sp.nr_busy == (unsigned long)nbusy);
	EXPECT_TRUE(sp.nr_free == (unsigned long)f.n && live_nodes == b.n + f.n);
	if (b.n != nbusy || f.n > MAX_LIVE + 1)
		return;
	for (i = 0; i < nbusy; i++)
		EXPECT_TRUE(wbusy[i] == busy[i].va && wbusy[i]->va_start == busy[i].start &&
			    wbusy[i]->va_end == busy[i].end);
	/* Busy and free ranges in address order tile the space exactly, and
	 * no two free blocks touch (they would have been merged). */
	for (i = 0; i < b.n || j < f.n;) {
		bool is_free = j < f.n && (i == b.n || wfree[j]->va_start < wbusy[i]->va_start);
		struct vmap_area *v = is_free ? wfree[j++] : wbusy[i++];

		if (v->va_start != at || v->va_end <= at || (is_free && last_free)) {
			UNIT_DIAG("%s [%#lx, %#lx) after %#lx", is_free ? "free" : "busy",
				  v->va_start, v->va_end, at);
			EXPECT_TRUE(v->va_start == at && v->va_end > at && !(is_free && last_free));
			return;
		}
		at = v->va_end;
		last_free = is_free;
	}
	EXPECT_EQ(at, sp.end);
	max_depth = 0;
	check_subtree(sp.free_root, ~0u, 1, true);
	check_subtree(sp.busy_root, ~0u, 1, false);
	EXPECT_TRUE(max_depth <= 100);  /* a treap of 35,000 nodes is ~40 deep */
	for (i = 0; i < nbusy; i++) {
		const struct range *r = &busy[i];

		EXPECT_TRUE(find_vmap_area(&sp, r->start) == r->va &&
			    find_vmap_area(&sp, r->start / 2 + r->end / 2 + 123) == r->va &&
			    find_vmap_area(&sp, r->end - 1) == r->va);
		if (r->mapped)          /* the guard page is this area's alone */
			EXPECT_TRUE(find_vmap_area(&sp, r->start + r->mapped) == r->va &&
				    find_vmap_area(&sp, r->start + r->mapped + PG - 1) == r->va &&
				    r->end == r->start + r->mapped + PG);
	}
	for (j = 0; j < f.n; j++)
		EXPECT_TRUE(!find_vmap_area(&sp, wfree[j]->va_start) &&
			    !find_vmap_area(&sp, wfree[j]->va_start / 2 + wfree[j]->va_end / 2) &&
			    !find_vmap_area(&sp, wfree[j]->va_end - 1));
	EXPECT_TRUE(!find_vmap_area(&sp, sp.start - 1) && !find_vmap_area(&sp, sp.end));
}

/* All freed: one free block, the whole space, the only node left. Then
 * that node is freed too, for the next setup(). */
static void check_empty_and_done(void)
{
	if (unit_failures) {
		live_nodes = 0;
		return;
	}
	check_space();
	EXPECT_TRUE(!sp.busy_root && sp.nr_busy == 0 && sp.nr_free == 1 && live_nodes == 1);
	EXPECT_TRUE(sp.free_root && sp.free_root->va_start == sp.start &&
		    sp.free_root->va_end == sp.end && !sp.free_root->left && !sp.free_root->right);
	if (sp.free_root && sp.nr_free == 1)
		vmap_area_node_free(sp.free_root);
	live_nodes = 0;
}

/* Nothing changed since `before` (the model was not changed either). */
static void expect_unchanged(const struct vmap_space *before, long nodes_before)
{
	EXPECT_TRUE(sp.free_root == before->free_root && sp.busy_root == before->busy_root);
	EXPECT_TRUE(sp.nr_busy == before->nr_busy && sp.nr_free == before->nr_free);
	EXPECT_TRUE(sp.seed == before->seed && live_nodes == nodes_before);
	check_space();
}

/* ---- random sequences --------------------------------------------------- */

struct mix {
	unsigned long lo, hi;   /* sizes lo..hi pages */
	bool log;               /* small ones likeliest (log-uniform), else uniform */
	int shift_lo, shift_hi; /* aligned to 2^(lo..hi), uniform, at least a page */
	bool huge;              /* now and then far too much */
	bool guard;             /* as vmalloc: a guard page more */
};

static void rnd_request(const struct mix *m, unsigned long *size, unsigned long *align)
{
	unsigned long n = m->hi - m->lo + 1;

	*size = (m->lo + (rnd() % n >> (m->log ? rnd() % (64 - __builtin_clzl(n)) : 0))) * PG;
	*align = 1UL << (m->shift_lo + rnd() % (m->shift_hi - m->shift_lo + 1));
	*align = *align < PG ? PG : *align;
	if (m->huge && rnd() % 64 == 0)
		*size = (rnd() % ((sp.end - sp.start) / PG) + 1) * PG;
}

/* steps random allocations and frees, the live areas kept around target,
 * the trees checked every check_every steps; then everything freed. */
static void random_run(const struct mix *m, int steps, int target, int check_every)
{
	unsigned long size, align;

	for (int step = 1; step <= steps && !unit_failures; step++) {
		if (nbusy && rnd() % (2 * target) < (unsigned long)nbusy) {
			release(rnd() % nbusy);
		} else {
			rnd_request(m, &size, &align);
			(m->guard ? vmalloc_like : alloc)(size, align);
		}
		if (step % check_every == 0)
			check_space();
		if (unit_failures)
			UNIT_DIAG("at step %d", step);
	}
	check_space();
	release_all_randomly();
	check_empty_and_done();
}

TEST(random_small_space)
{
	setup(SMALL_START, SMALL_END);
	random_run(&(struct mix){ 1, 16, true, 0, 18, true, false }, 60000, 12, 1);
	setup(SMALL_START, SMALL_END);          /* mostly full */
	random_run(&(struct mix){ 1, 4, true, 0, 14, true, false }, 20000, 40, 1);
}

TEST(random_kernel_space)
{
	setup(BIG_START, BIG_END);              /* up to 1 GiB, 1 GiB aligned */
	random_run(&(struct mix){ 1, 1UL << 18, true, 0, 30, true, false }, 20000, 300, 4);
}

/* ---- edges ---------------------------------------------------------------- */

/* Some areas with holes of several sizes between them. */
static void fragment(void)
{
	for (int i = 0; i < 12; i++)
		alloc((i % 4 + 1) * PG, PG);
	for (int i = 10; i >= 0; i -= 3)
		release(i);
	check_space();
}

TEST(bad_input_changes_nothing)
{
	static const unsigned long bad[][2] = {
		{ 0, PG }, { 1, PG }, { PG / 2, PG }, { PG + 1, PG }, { 3 * PG - 8, PG },
		{ PG, 0 }, { PG, 3 }, { PG, PG + 1 }, { PG, 3 * PG }, { PG, 6 * PG },
		{ PG, ~0UL }, { ~0UL & ~(PG - 1), 1UL << 63 },  /* size + align wraps */
		{ SMALL_END - SMALL_START + PG, PG }, { 1UL << 63, PG }, { PG, 1UL << 63 },
	};
	struct vmap_space before;

	setup(SMALL_START, SMALL_END);
	fragment();
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		before = sp;
		EXPECT_TRUE(!alloc(bad[i][0], bad[i][1]));
		expect_unchanged(&before, live_nodes);
	}
	release_all_randomly();
	check_empty_and_done();
}

TEST(failed_node_allocation_changes_nothing)
{
	/* Into the holes fragment() left: a block's low end, the whole of it,
	 * its low end aligned, its high end aligned, its middle aligned. */
	static const unsigned long req[][2] = {
		{ PG, PG }, { PG, PG }, { PG, 8 * PG }, { 2 * PG, 2 * PG }, { 4 * PG, 8 * PG },
	};
	struct vmap_space before;
	long nodes;

	setup(SMALL_START, SMALL_END);
	fragment();
	for (unsigned i = 0; i < ARRAY_SIZE(req); i++) {
		for (int fail = 0; fail < 2; fail++) {
			before = sp;
			nodes = live_nodes;
			node_fail_after = fail;
			EXPECT_TRUE(!alloc_vmap_area(&sp, req[i][0], req[i][1]));
			node_fail_after = -1;
			expect_unchanged(&before, nodes);
		}
		EXPECT_TRUE(alloc(req[i][0], req[i][1]) != NULL);
		check_space();
	}
	release_all_randomly();
	check_empty_and_done();
}

TEST(init_exhaustion_and_whole_space)
{
	struct vmap_space before, s = { 0 };

	node_fail_after = 0;
	EXPECT_EQ(vmap_space_init(&s, SMALL_START, SMALL_END), -ENOMEM);
	EXPECT_EQ(live_nodes, 0);
	node_fail_after = -1;
	setup(SMALL_START, SMALL_END);
	check_space();                          /* one free block */
	EXPECT_TRUE(alloc(SMALL_PAGES * PG, PG) != NULL);       /* the whole space */
	check_space();
	release(0);
	for (unsigned long i = 0; i < SMALL_PAGES; i++)
		EXPECT_TRUE(alloc(PG, PG) != NULL);
	check_space();
	EXPECT_EQ(sp.nr_free, 0);
	before = sp;
	EXPECT_TRUE(!alloc(PG, PG));
	expect_unchanged(&before, live_nodes);
	release(37);            /* one hole, the only place to go */
	EXPECT_EQ(at_(alloc(PG, PG)), SMALL_START + 37 * PG);
	release_all_randomly();
	/* The whole space again, aligned: its start is 1 MiB-aligned. */
	EXPECT_TRUE(alloc(SMALL_PAGES * PG, 1UL << 20) != NULL);
	release_all_randomly();
	EXPECT_TRUE(alloc(SMALL_PAGES * PG - PG, 2 * PG) != NULL);
	release_all_randomly();
	check_empty_and_done();
}

TEST(frees_merge_back_in_any_order)
{
	for (int order = 0; order < 4; order++) {
		setup(SMALL_START, SMALL_END);
		for (int i = 0; i < 21; i++)
			alloc((i % 3 + 1) * PG, PG);
		EXPECT_EQ(sp.nr_free, 1);               /* 22 pages left at the top */
		for (int i = 0; i < 21; i++) {  /* up, down, from the middle, random */
			release(order == 0 ? 0 : order == 1 ? nbusy - 1 :
				order == 2 ? nbusy / 2 : (int)(rnd() % nbusy));
			check_space();
		}
		check_empty_and_done();
	}
}

/* ---- Linux's lib/test_vmalloc.c scenarios, as they ask the area allocator -- */

/* fix_size_alloc_test: vmalloc(3 pages), vfree, over and over; then the
 * same size kept live, which packs them (guards included) back to back. */
TEST(fixed_size)
{
	setup(BIG_START, BIG_END);
	for (int i = 0; i < 1000 && !unit_failures; i++) {
		EXPECT_EQ(at_(vmalloc_like(3 * PG, PG)), BIG_START);
		if (nbusy)
			release(0);
	}
	for (unsigned long i = 0; i < 3000; i++)
		EXPECT_EQ(at_(vmalloc_like(3 * PG, PG)), BIG_START + i * 4 * PG);
	check_space();
	for (int i = 0; nbusy; i++) {
		release(rnd() % nbusy);
		if (i % 100 == 0)
			check_space();
	}
	check_empty_and_done();
}

/* full_fit_alloc_test: fill, free every other area, then the holes must
 * be filled exactly: a request of a hole's size goes to the lowest hole,
 * a larger one fails and changes nothing. */
TEST(full_fit_after_fragmentation)
{
	struct vmap_space before;

	setup(SMALL_START, SMALL_END);
	for (unsigned long i = 0; i < SMALL_PAGES / 2; i++)
		EXPECT_EQ(at_(alloc(2 * PG, PG)), SMALL_START + i * 2 * PG);
	EXPECT_EQ(sp.nr_free, 0);
	for (int i = 0; i < nbusy; i++)         /* every other: 16 holes of 2 pages */
		release(i);
	check_space();
	EXPECT_EQ(sp.nr_free, SMALL_PAGES / 4);
	before = sp;
	EXPECT_TRUE(!alloc(3 * PG, PG));
	expect_unchanged(&before, live_nodes);
	for (unsigned long i = 0; i < SMALL_PAGES / 4; i++) {
		EXPECT_EQ(at_(alloc(2 * PG, PG)), SMALL_START + i * 4 * PG);
		check_space();
	}
	EXPECT_EQ(sp.nr_free, 0);
	EXPECT_TRUE(!alloc(PG, PG));
	/* Holes of 1 and 3 pages: each request to the lowest hole that holds
	 * it (aligned, for the last), 4 pages nowhere. */
	release_all_randomly();
	for (int i = 0; i < 16; i++)
		alloc((i % 4 + 1) * PG, PG);            /* 40 pages, then 24 free */
	alloc(24 * PG, PG);
	for (int i = 14; i >= 0; i -= 2)
		release(i);                             /* holes 1,3,1,3,1,3,1,3 pages */
	check_space();
	before = sp;
	EXPECT_TRUE(!alloc(4 * PG, PG));
	expect_unchanged(&before, live_nodes);
	EXPECT_EQ(at_(alloc(3 * PG, PG)), SMALL_START + 3 * PG);
	EXPECT_EQ(at_(alloc(PG, PG)), SMALL_START);
	EXPECT_EQ(at_(alloc(2 * PG, PG)), SMALL_START + 13 * PG);
	EXPECT_EQ(at_(alloc(2 * PG, 2 * PG)), SMALL_START + 24 * PG);
	check_space();
	release_all_randomly();
	check_empty_and_done();
}

/* long_busy_list_alloc_test: 15,000 live areas, then allocations and
 * frees among them. */
TEST(long_busy_list)
{
	setup(BIG_START, BIG_END);
	for (int i = 0; i < 15000; i++)
		vmalloc_like((rnd() % 4 + 1) * PG, PG);
	check_space();
	random_run(&(struct mix){ 1, 8, true, 0, 16, false, true }, 10000, 15000, 1000);
}

/* random_size_alloc_test: 1 to 100 pages. */
TEST(random_size)
{
	setup(BIG_START, BIG_END);
	random_run(&(struct mix){ 1, 100, false, 12, 12, false, true }, 20000, 500, 20);
}

/* fix_align_alloc_test: 5 pages aligned to THREAD_ALIGN << 1 (32 KiB). */
TEST(fixed_align)
{
	setup(BIG_START, BIG_END);
	for (unsigned long i = 0; i < 2000; i++)
		EXPECT_EQ(at_(vmalloc_like(5 * PG, 32 * 1024)), BIG_START + i * 32 * 1024);
	for (int i = 0; i < nbusy; i++)
		release(i);                             /* every other */
	check_space();
	random_run(&(struct mix){ 5, 5, false, 15, 15, false, true }, 4000, 1000, 50);
}

/* random_size_align_alloc_test: 1 to 10 pages, aligned to 1 << (0..22)
 * (no less than a page here). */
TEST(random_size_and_align)
{
	setup(BIG_START, BIG_END);
	random_run(&(struct mix){ 1, 10, false, 0, 22, false, true }, 20000, 500, 20);
}

/* align_shift_alloc_test: a page aligned to 2^n for every n; allocations
 * succeed while an aligned address lies in the space (up to 2^45 in the
 * 32 TiB one) and fail after, in step with the model. Then the same with
 * every area kept, and in the small space. */
TEST(align_shift)
{
	setup(BIG_START, BIG_END);
	for (int n = 12; n < 64; n++) {
		struct vmap_area *va = vmalloc_like(PG, 1UL << n);

		EXPECT_EQ(va != NULL, n <= 45);
		if (va)
			release(0);
	}
	for (int n = 12; n < 64; n++)
		vmalloc_like(PG, 1UL << n);
	check_space();
	EXPECT_EQ(nbusy, 45 - 12);      /* 2^45's one aligned address went to 2^44 */
	release_all_randomly();
	check_empty_and_done();
	setup(SMALL_START, SMALL_END);
	for (int n = 12; n <= 30; n++)
		alloc(PG, 1UL << n);
	check_space();
	release_all_randomly();
	check_empty_and_done();
}

/* Guard pages, vmalloc-style, in both spaces among random frees. */
TEST(guard_pages_kept)
{
	setup(SMALL_START, SMALL_END);
	random_run(&(struct mix){ 1, 8, true, 0, 15, true, true }, 20000, 10, 1);
	setup(BIG_START, BIG_END);
	random_run(&(struct mix){ 1, 64, true, 0, 20, true, true }, 5000, 200, 1);
}
