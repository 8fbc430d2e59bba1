/* An mm's VMA set (mm/vma.c): random sequences against a reference model
 * (the directed edge cases are in test_vma.c; the VMAs' memory, counted
 * and failing on demand, and the list checks are in vma_harness.h).
 *
 * The model is a window of the user half page by page: the tag of the VMA
 * covering the page (vm_flags, unique per inserted VMA and kept by its
 * pieces), its file offset, and whether a VMA starts there. That pins down
 * the exact list, so every call's answer is predicted from the pages alone
 * (scans, not VMA walks) and the list compared with the model after every
 * step. */
#include <stdint.h>
#include "tests/unit/unit.h"
#include "tests/unit/vma_harness.h"

/* ---- the reference model -------------------------------------------------- */

static unsigned long top_pg;    /* mmap_base's page: the window is [MIN_PG, top_pg) */
static unsigned long m_tag[MAX_PG], m_pgoff[MAX_PG];    /* tag 0: free */
static bool m_start[MAX_PG];    /* a VMA starts at this page */
static long m_used, m_nvmas;
static unsigned long next_tag;
static uint64_t rng;
static struct piece want[MAX_PG];      /* what vma_remove_range should pass */
static int nwant;

static uint64_t rnd(void)
{
	rng ^= rng << 13;               /* xorshift64 (Marsaglia 2003) */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void model_fill(unsigned long s, unsigned long e, unsigned long tag, unsigned long pgoff)
{
	for (unsigned long p = s; p < e; p++) {
		m_tag[p] = tag;
		m_pgoff[p] = pgoff + (p - s);
		m_start[p] = p == s;
	}
	m_used += e - s;
	m_nvmas++;
}

static void model_clear(unsigned long s, unsigned long e)
{
	for (unsigned long p = s; p < e && p < top_pg; p++) {
		m_used -= m_tag[p] != 0;
		m_nvmas -= m_start[p];
		m_tag[p] = m_start[p] = 0;
	}
}

/* The first page of the VMA find_vma(addr) should return; 0 for none. */
static unsigned long model_find(unsigned long addr)
{
	for (unsigned long p = addr >> PAGE_SHIFT; p < top_pg; p++) {
		if (m_tag[p]) {
			while (!m_start[p])
				p--;
			return p;
		}
	}
	return 0;
}

static unsigned long model_end(unsigned long s)
{
	while (++s < top_pg && m_tag[s] && !m_start[s])
		;
	return s;
}

/* The highest start of len free bytes in the window: a scan down. */
static unsigned long model_fit(unsigned long len)
{
	unsigned long run = 0, n = len >> PAGE_SHIFT;

	if (!len || len & ~PAGE_MASK || n > top_pg - MIN_PG)
		return NOMEM;
	for (unsigned long p = top_pg; p-- > MIN_PG;)
		if ((run = m_tag[p] ? 0 : run + 1) == n)
			return P(p);
	return NOMEM;
}

/* vma is the one the model has starting at page s (none if s is 0). */
#define EXPECT_MODEL_VMA(vma, s)                                          \
	EXPECT_TRUE((s) ? (vma) && (vma)->vm_start == P(s) && (vma)->vm_end == P(model_end(s)) \
		    : !(vma))

/* The list equals the model: well formed, every VMA's pages carry its
 * tag, offset and start, as many VMAs and pages. */
static void check_model(struct mm_struct *mm)
{
	long pages = 0, n = check_list(mm);

	EXPECT_EQ(n, m_nvmas);
	if (n != m_nvmas)
		return;
	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next) {
		unsigned long s = vma->vm_start >> PAGE_SHIFT, e = vma->vm_end >> PAGE_SHIFT;

		for (unsigned long p = s; p < e; p++) {
			if (e > top_pg || m_tag[p] != vma->vm_flags || m_start[p] != (p == s) ||
			    m_pgoff[p] != vma->vm_pgoff + (p - s)) {
				UNIT_DIAG("VMA [%#lx, %#lx) tag %lu pgoff %lu vs. page %#lx's",
					  vma->vm_start, vma->vm_end, vma->vm_flags,
					  vma->vm_pgoff, P(p));
				EXPECT_TRUE(false);
				return;
			}
		}
		pages += e - s;
	}
	EXPECT_EQ(pages, m_used);       /* so no model page is missing from the list */
	EXPECT_EQ(live_vmas, mm->map_count);
}

/* ---- random steps --------------------------------------------------------- */

static unsigned long rnd_page(void)     /* a few pages below mmap_min_addr too */
{
	return MIN_PG - 4 + rnd() % (top_pg - MIN_PG + 4);
}

static unsigned long rnd_pages(void)    /* mostly small, now and then a lot */
{
	return 1 + rnd() % (rnd() % 4 ? 8 : (top_pg - MIN_PG) / 4);
}

/* A range in the window, 1 in 8 made bad (*bad says so). */
static void rnd_range(unsigned long *start, unsigned long *end, bool *bad)
{
	unsigned long s = rnd_page(), e = s + rnd_pages();

	*start = P(s);
	*end = P(e < top_pg ? e : top_pg);
	switch (rnd() % 32) {
	case 0: *start += 1 + rnd() % (PG - 1); break;
	case 1: *end -= 1 + rnd() % (PG - 1); break;
	case 2: *end = *start; break;
	case 3: *end = *start - PG; break;
	}
	*bad = *start >= *end || (*start | *end) & ~PAGE_MASK;
}

static void insert_checked(struct mm_struct *mm, unsigned long start, unsigned long end, int want)
{
	unsigned long pgoff = rnd() % 100000;
	int ret = insert(mm, start, end, ++next_tag, pgoff, NULL);

	EXPECT_EQ(ret, want);
	if (!ret && !want)
		model_fill(start >> PAGE_SHIFT, end >> PAGE_SHIFT, next_tag, pgoff);
}

/* A random range: the first VMA it overlaps, then offered as a new VMA. */
static void step_insert(struct mm_struct *mm)
{
	unsigned long start, end, first = 0;
	bool bad;

	rnd_range(&start, &end, &bad);
	for (unsigned long p = start >> PAGE_SHIFT; start < end && P(p) < end && !first; p++)
		if (p < top_pg && m_tag[p])
			first = model_find(P(p));
	EXPECT_MODEL_VMA(find_vma_intersection(mm, start, end), first);
	insert_checked(mm, start, end, bad || start < mmap_min_addr ? -EINVAL :
				       first ? -EEXIST : 0);
}

static void step_mmap(struct mm_struct *mm)
{
	unsigned long len = P(rnd_pages()), addr, want;

	switch (rnd() % 32) {
	case 0: len = 0; break;
	case 1: len += 1 + rnd() % (PG - 1); break;
	case 2: len = P(top_pg); break;
	case 3: len = -len; break;
	}
	want = model_fit(len);
	addr = get_unmapped_area(mm, len);
	EXPECT_EQ(addr, want);
	if (addr == want && want != NOMEM)
		insert_checked(mm, addr, addr + len, 0);
}

static void step_remove(struct mm_struct *mm)
{
	unsigned long start = 0, end = TASK_SIZE, s, e, needed, fail;
	bool bad = false;
	int ret;

	if (rnd() % 1000)               /* else everything, to start afresh */
		rnd_range(&start, &end, &bad);
	s = start >> PAGE_SHIFT;
	e = end >> PAGE_SHIFT < top_pg ? end >> PAGE_SHIFT : top_pg;
	nwant = 0;                      /* the pieces: cut at the ends and VMA starts */
	for (unsigned long p = s; !bad && p < e; p++) {
		if (!m_tag[p])
			continue;
		if (p == s || m_start[p])
			want[nwant++] = (struct piece){ P(p), P(p), m_tag[p], m_pgoff[p] };
		want[nwant - 1].end += PG;
	}
	needed = (s < e && m_tag[s] && !m_start[s]) + (e < top_pg && m_tag[e] && !m_start[e]);
	fail_nth = fail = rnd() % 4 ? 0 : 1 + rnd() % 2;
	ret = remove_range(mm, start, end);
	EXPECT_EQ(ret, bad ? -EINVAL : fail && fail <= needed ? -ENOMEM : 0);
	EXPECT_EQ(ngot, ret ? 0 : nwant);
	if (ret || ngot != nwant)
		return;
	EXPECT_MEMEQ(got, want, sizeof(got[0]) * ngot);
	model_clear(s, e);
	if (e < top_pg && m_tag[e] && !m_start[e]) {
		m_start[e] = true;      /* the part above end is a VMA of its own */
		m_nvmas++;
	}
}

/* A VMA found at a random address, then split somewhere or unlinked. */
static void step_split_or_unlink(struct mm_struct *mm)
{
	unsigned long addr = P(rnd_page()) + (rnd() % 2 ? rnd() % PG : 0), at, s, e, n;
	struct vm_area_struct *vma = find_vma(mm, addr);
	int below = rnd() % 2, want, ret;

	EXPECT_MODEL_VMA(vma, model_find(addr));
	if (!vma)
		return;
	s = vma->vm_start;
	e = vma->vm_end;
	n = (e - s) >> PAGE_SHIFT;
	switch (rnd() % 10) {
	case 0: at = s; break;
	case 1: at = e; break;
	case 2: at = s + 1 + rnd() % (e - s - 1); break;
	case 3: at = P(rnd_page()); break;
	case 4: case 5:
		model_clear(s >> PAGE_SHIFT, e >> PAGE_SHIFT);
		vma_unlink(mm, vma);
		EXPECT_TRUE(!vma->vm_next && !vma->vm_prev);
		vm_area_free(vma);
		return;
	default: at = s + P(n > 1 ? 1 + rnd() % (n - 1) : 0); break;
	}
	fail_nth = rnd() % 4 == 0;
	want = at <= s || at >= e || at & ~PAGE_MASK ? -EINVAL : fail_nth ? -ENOMEM : 0;
	ret = split_vma(mm, vma, at, below);
	EXPECT_EQ(ret, want);
	if (ret)
		return;
	EXPECT_TRUE(below ? vma->vm_start == at && vma->vm_prev->vm_start == s
			  : vma->vm_end == at && vma->vm_next->vm_end == e);
	m_start[at >> PAGE_SHIFT] = true;
	m_nvmas++;
}

/* steps random operations in a window of pages pages below mmap_base,
 * the list checked against the model after each. The seed is printed at
 * the first step that goes wrong; VMA_SEED=... in the environment runs
 * another. Then everything is removed: no VMA may be left. */
static void random_run(uint64_t seed, unsigned long pages, long steps)
{
	static const struct { void (*fn)(struct mm_struct *); const char *name; } ops[] = {
		{ step_insert, "insert" }, { step_mmap, "mmap" }, { step_remove, "remove" },
		{ step_split_or_unlink, "split/unlink" },
	};
	struct mm_struct mm = { .mmap_base = P(MIN_PG + pages) };

	if (getenv("VMA_SEED"))
		seed = strtoull(getenv("VMA_SEED"), NULL, 0);
	rng = seed;
	top_pg = MIN_PG + pages;
	memset(m_tag, 0, sizeof(m_tag));
	memset(m_start, 0, sizeof(m_start));
	m_used = m_nvmas = 0;
	for (long step = 0; step < steps; step++) {
		int op = rnd() % N(ops);

		ops[op].fn(&mm);
		fail_nth = 0;
		check_model(&mm);
		if (unit_failures) {
			UNIT_DIAG("seed %#llx, %lu pages: step %ld (%s) went wrong",
				  (unsigned long long)seed, pages, step, ops[op].name);
			live_vmas = 0;  /* the list may be broken: abandoned */
			return;
		}
	}
	EXPECT_EQ(vma_remove_range(&mm, 0, TASK_SIZE, NULL), 0);
	done(&mm);
}

TEST(random_operations_match_the_model_in_4096_pages)
{
	random_run(0x9e3779b97f4a7c15ULL, 4096, 150000);
}

TEST(random_operations_match_the_model_in_48_pages)   /* exact fits, no room */
{
	random_run(0x2545f4914f6cdd1dULL, 48, 100000);
}
