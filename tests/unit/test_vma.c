/* An mm's VMA set (mm/vma.c): directed edge cases, then random sequences
 * against a reference model.
 *
 * VMAs come from this file's vm_area_alloc/vm_area_dup/vm_area_free:
 * malloc, counted (every test ends with live VMAs == map_count, so a leak
 * or a double free shows), and made to fail on demand ("the Nth allocation
 * from now"). The model is a window of the user half page by page: the tag
 * of the VMA covering the page (vm_flags, unique per inserted VMA and kept
 * by its pieces), its file offset, and whether a VMA starts there. That
 * pins down the exact list, so every call's answer is predicted from the
 * pages alone (scans, not VMA walks) and the list compared with the model
 * after every step. Directed tests mostly count in pages: P(0x100). */
#include <stdint.h>
#include "tests/unit/unit.h"
#include "mm/vma.h"
#include "kernel/errno.h"

#define PG              PAGE_SIZE
#define P(n)            ((unsigned long)(n) << PAGE_SHIFT)     /* page n's address */
#define MIN_PG          (mmap_min_addr >> PAGE_SHIFT)
#define MAX_PG          (MIN_PG + 4096)         /* the model's pages: [0, MAX_PG) */
#define NOMEM           ((unsigned long)-ENOMEM)
#define RW              (VM_READ | VM_WRITE)    /* the directed tests' vm_flags */
#define N(a)            ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- VMA memory and helpers ----------------------------------------------- */

static long live_vmas;
static int fail_nth;            /* 0: never; N: the Nth allocation from now fails */

/* A copy of from, unlinked; NULL if this allocation is to fail. */
static struct vm_area_struct *new_vma(const struct vm_area_struct *from)
{
	struct vm_area_struct *vma;

	if (fail_nth && --fail_nth == 0)
		return NULL;
	if (!(vma = malloc(sizeof(*vma))))
		abort();
	*vma = *from;
	vma->vm_next = vma->vm_prev = NULL;
	live_vmas++;
	return vma;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	return new_vma(&(struct vm_area_struct){ .vm_mm = mm });
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma)
{
	return new_vma(vma);
}

void vm_area_free(struct vm_area_struct *vma)
{
	live_vmas--;
	memset(vma, 0x5a, sizeof(*vma));        /* a use after free reads garbage */
	free(vma);
}

#ifdef UNIT_HAVE_SANITIZER
/* A list abandoned after a failure leaks on purpose; leaks are caught by
 * live_vmas, test by test. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

/* What insert_vm_struct says to a new VMA [start, end) (freed if refused;
 * else in *vmap if that is not NULL). */
static int insert(struct mm_struct *mm, unsigned long start, unsigned long end,
		  unsigned long flags, unsigned long pgoff, struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);
	int ret;

	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_pgoff = pgoff;
	vma->vm_name = "[test]";
	if ((ret = insert_vm_struct(mm, vma)))
		vm_area_free(vma);
	else if (vmap)
		*vmap = vma;
	return ret;
}

/* The VMA of pages [s, e) at offset pgoff, inserted (which must work). */
static struct vm_area_struct *mk(struct mm_struct *mm, unsigned long s, unsigned long e,
				 unsigned long pgoff)
{
	struct vm_area_struct *vma = NULL;

	EXPECT_EQ(insert(mm, P(s), P(e), RW, pgoff, &vma), 0);
	return vma;
}

#define EXPECT_VMA(v, s, e, pgoff)                                        \
	EXPECT_TRUE((v) && (v)->vm_start == P(s) && (v)->vm_end == P(e) &&     \
		    (v)->vm_pgoff == (pgoff))

/* The list is well formed: sorted, no overlap, none empty or unaligned,
 * links both ways, vm_mm, map_count. The number of VMAs, -1 if broken. */
static int check_list(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	int n = 0;

	for (vma = mm->mmap; vma; prev = vma, vma = vma->vm_next) {
		if (++n > mm->map_count || vma->vm_prev != prev || vma->vm_mm != mm ||
		    vma->vm_start >= vma->vm_end || (vma->vm_start | vma->vm_end) & ~PAGE_MASK ||
		    vma->vm_start < mmap_min_addr || vma->vm_end > TASK_SIZE ||
		    (prev && prev->vm_end > vma->vm_start)) {
			UNIT_DIAG("VMA %d [%#lx, %#lx) badly linked or placed", n,
				  vma->vm_start, vma->vm_end);
			EXPECT_TRUE(false);
			return -1;
		}
	}
	EXPECT_EQ(n, mm->map_count);
	return n;
}

/* Ends a test: no leak, then everything freed. */
static void done(struct mm_struct *mm)
{
	EXPECT_EQ(live_vmas, mm->map_count);
	if (check_list(mm) < 0) {
		live_vmas = 0;  /* broken: abandoned, not to fail the next test too */
		return;
	}
	while (mm->mmap) {
		struct vm_area_struct *vma = mm->mmap;

		vma_unlink(mm, vma);
		vm_area_free(vma);
	}
	EXPECT_EQ(live_vmas, 0);
}

/* The list byte for byte: the structs and where they are. */
struct snapshot {
	struct vm_area_struct *head, *at[16], v[16];
	long map_count, n;
};

static void snap(struct mm_struct *mm, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->head = mm->mmap;
	s->map_count = mm->map_count;
	for (struct vm_area_struct *v = mm->mmap; v && s->n < 16; v = v->vm_next, s->n++) {
		s->at[s->n] = v;
		s->v[s->n] = *v;
	}
}

#define EXPECT_UNCHANGED(mm, before)                                      \
	do {                                                              \
		struct snapshot now_;                                     \
		snap(mm, &now_);                                          \
		EXPECT_MEMEQ(&now_, before, sizeof(now_));                \
	} while (0)

/* What vma_remove_range passed to unmap(), copied and checked on the way. */
struct piece { unsigned long start, end, flags, pgoff; };
#define PIECE(s, e, pgoff)      { P(s), P(e), RW, pgoff }
static struct piece got[MAX_PG], want[MAX_PG];
static int ngot, nwant;
static struct mm_struct *cb_mm;
static unsigned long cb_start, cb_end;

static void record(struct vm_area_struct *vma)
{
	/* still linked, inside the range, after the one before */
	EXPECT_TRUE(vma->vm_mm == cb_mm && find_vma(cb_mm, vma->vm_start) == vma);
	EXPECT_TRUE(vma->vm_start >= cb_start && vma->vm_end <= cb_end);
	EXPECT_TRUE(ngot == 0 || got[ngot - 1].end <= vma->vm_start);
	if (ngot < N(got))
		got[ngot++] = (struct piece){ vma->vm_start, vma->vm_end, vma->vm_flags,
					      vma->vm_pgoff };
}

static int remove_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	ngot = 0;
	cb_mm = mm;
	cb_start = start;
	cb_end = end;
	return vma_remove_range(mm, start, end, record);
}

#define EXPECT_PIECES(...)                                                \
	do {                                                              \
		const struct piece w_[] = { __VA_ARGS__ };                \
		EXPECT_EQ(ngot, N(w_));                                   \
		EXPECT_MEMEQ(got, w_, sizeof(w_));                        \
	} while (0)

/* ---- directed tests ------------------------------------------------------- */

TEST(find_vma_and_intersection_below_inside_between_above_and_at_vm_end)
{
	static const struct { unsigned long addr; int want; } finds[] = {
		{ 0, 0 }, { P(0x100) - 1, 0 }, { P(0x100), 0 }, { P(0x104) - 1, 0 },
		{ P(0x104), 1 } /* a's vm_end */, { P(0x106) + 5, 1 } /* gap */,
		{ P(0x10a), 2 } /* b's vm_end is c's start */, { P(0x110) - 1, 2 },
		{ P(0x110), 3 }, { ~0UL, 3 },
	};
	static const struct { unsigned long start, end; int want; } overlaps[] = {
		{ P(0x10), P(0x100), 3 } /* touches a */, { P(0x104), P(0x108), 3 },
		{ P(0x110), ~0UL, 3 }, { P(0x100) - 1, P(0x100) + 1, 0 },
		{ P(0x104) - 1, P(0x104), 0 }, { P(0x104), P(0x108) + 1, 1 },
		{ 0, ~0UL, 0 }, { P(0x101), P(0x101), 3 } /* empty */,
		{ P(0x102), P(0x101), 3 } /* reversed */,
	};
	struct mm_struct mm = { .mmap_base = P(0x1000) };
	struct vm_area_struct *v[4] = { NULL };

	EXPECT_TRUE(find_vma(&mm, P(0x100)) == NULL && !find_vma_intersection(&mm, 0, ~0UL));
	v[0] = mk(&mm, 0x100, 0x104, 0);
	v[1] = mk(&mm, 0x108, 0x10a, 0);
	v[2] = mk(&mm, 0x10a, 0x110, 0);
	for (int i = 0; i < N(finds); i++)
		EXPECT_TRUE(find_vma(&mm, finds[i].addr) == v[finds[i].want]);
	for (int i = 0; i < N(overlaps); i++)
		EXPECT_TRUE(find_vma_intersection(&mm, overlaps[i].start, overlaps[i].end) ==
			    v[overlaps[i].want]);
	done(&mm);
}

TEST(insert_refuses_bad_and_overlapping_ranges_takes_touching_ones)
{
	static const struct { unsigned long start, end; int want; } cases[] = {
		{ P(0x200), P(0x200), -EINVAL },                /* empty */
		{ P(0x201), P(0x200), -EINVAL },                /* reversed */
		{ P(0x200) + 8, P(0x201), -EINVAL },            /* unaligned */
		{ P(0x200), P(0x201) - 8, -EINVAL },
		{ 0, PG, -EINVAL },                             /* below mmap_min_addr */
		{ P(MIN_PG - 1), P(MIN_PG + 1), -EINVAL },
		{ TASK_SIZE - PG, TASK_SIZE + PG, -EINVAL },    /* above TASK_SIZE */
		{ TASK_SIZE, TASK_SIZE + PG, -EINVAL },
		{ TASK_SIZE - PG, 0, -EINVAL },                 /* end wrapped */
		{ -P(2), -P(1), -EINVAL },                      /* kernel half */
		{ P(0xff), P(0x101), -EEXIST },                 /* over [0x100, 0x104)'s start */
		{ P(0x103), P(0x105), -EEXIST },                /* over its end */
		{ P(0xff), P(0x105), -EEXIST },                 /* around it */
		{ P(0x101), P(0x103), -EEXIST },                /* inside it */
		{ P(0x100), P(0x104), -EEXIST },                /* the same */
		{ P(0x100), P(0x101) + 8, -EINVAL },            /* -EINVAL before -EEXIST */
		{ P(0xff), P(0x100), 0 },                       /* touching below */
		{ P(0x104), P(0x105), 0 },                      /* touching above */
		{ mmap_min_addr, mmap_min_addr + PG, 0 },       /* the limits */
		{ TASK_SIZE - PG, TASK_SIZE, 0 },
	};
	struct mm_struct mm = { .mmap_base = P(0x1000) };
	struct snapshot before;

	mk(&mm, 0x100, 0x104, 0);
	snap(&mm, &before);
	for (int i = 0; i < N(cases); i++) {
		int ret = insert(&mm, cases[i].start, cases[i].end, RW, 0, NULL);

		if (ret != cases[i].want)
			UNIT_DIAG("[%#lx, %#lx): %d", cases[i].start, cases[i].end, ret);
		EXPECT_EQ(ret, cases[i].want);
		if (cases[i].want)      /* (the refusals come first) */
			EXPECT_UNCHANGED(&mm, &before);
	}
	EXPECT_EQ(check_list(&mm), 5);
	done(&mm);
}

TEST(split_vma_refuses_ends_outside_unaligned_and_without_memory)
{
	static const unsigned long bad[] = { P(0x100), P(0x104), P(0x102) + 1, P(0xff),
					     P(0x105), 0, ~0UL };
	struct mm_struct mm = { .mmap_base = P(0x1000) };
	struct vm_area_struct *a = mk(&mm, 0x100, 0x104, 7);
	struct snapshot before;

	mk(&mm, 0x104, 0x108, 0);
	snap(&mm, &before);
	for (int i = 0; i < N(bad) * 2; i++)
		EXPECT_EQ(split_vma(&mm, a, bad[i / 2], i % 2), -EINVAL);
	for (int below = 0; below < 2; below++) {
		fail_nth = 1;
		EXPECT_EQ(split_vma(&mm, a, P(0x102), below), -ENOMEM);
	}
	EXPECT_UNCHANGED(&mm, &before);
	done(&mm);
}

TEST(split_vma_at_each_page_both_ways_advances_upper_pgoff)
{
	for (int k = 2; k < 8; k++) {
		unsigned long at = 0x100 + k / 2;
		int below = k % 2;
		struct mm_struct mm = { .mmap_base = P(0x1000) };
		struct vm_area_struct *a = mk(&mm, 0x100, 0x104, 100), *z, *lo, *hi;

		a->vm_page_prot = __pgprot(0x8000000000000007ULL);
		a->vm_file = (struct file *)&mm;        /* any pointer: copied, not used */
		z = mk(&mm, 0x200, 0x201, 0);
		EXPECT_EQ(split_vma(&mm, a, P(at), below), 0);
		lo = mm.mmap;
		hi = lo->vm_next;
		EXPECT_TRUE(check_list(&mm) == 3 && hi->vm_next == z);
		EXPECT_VMA(lo, 0x100, at, 100);
		EXPECT_VMA(hi, at, 0x104, 100 + (at - 0x100));
		EXPECT_TRUE(a == (below ? hi : lo));    /* the old struct keeps its side */
		for (struct vm_area_struct *v = lo; v != z; v = v->vm_next)
			EXPECT_TRUE(v->vm_flags == RW && v->vm_mm == &mm &&
				    pgprot_val(v->vm_page_prot) == 0x8000000000000007ULL &&
				    v->vm_file == (struct file *)&mm &&
				    !strcmp(v->vm_name, "[test]"));
		done(&mm);
	}
}

TEST(remove_range_refusals_and_holes_change_nothing)
{
	static const struct { unsigned long start, end; int want; } cases[] = {
		{ P(0x101), P(0x101), -EINVAL }, { P(0x102), P(0x101), -EINVAL },
		{ P(0x101) + 1, P(0x102), -EINVAL }, { P(0x101), P(0x102) - 1, -EINVAL },
		{ P(0x100), TASK_SIZE + PG, -EINVAL }, { P(0x100), 0, -EINVAL },
		{ P(0x104), P(0x108), 0 } /* between */, { 0, P(0x100), 0 } /* below */,
		{ P(0x10c), TASK_SIZE, 0 } /* above */,
	};
	struct mm_struct mm = { .mmap_base = P(0x1000) };
	struct snapshot before;

	mk(&mm, 0x100, 0x104, 0);
	mk(&mm, 0x108, 0x10c, 0);
	snap(&mm, &before);
	for (int i = 0; i < N(cases); i++) {
		EXPECT_EQ(remove_range(&mm, cases[i].start, cases[i].end), cases[i].want);
		EXPECT_EQ(ngot, 0);
	}
	EXPECT_UNCHANGED(&mm, &before);
	done(&mm);
}

TEST(remove_range_splits_ends_and_middles_and_calls_back_in_order)
{
	struct mm_struct mm = { .mmap_base = P(0x1000) };
	struct vm_area_struct *a = mk(&mm, 0x100, 0x104, 10), *c, *d;

	mk(&mm, 0x106, 0x108, 20);
	c = mk(&mm, 0x108, 0x10c, 30);
	d = mk(&mm, 0x10c, 0x118, 40);                   /* touches c */
	EXPECT_EQ(remove_range(&mm, P(0x102), P(0x10a)), 0);     /* a's end, b, c's start */
	EXPECT_PIECES(PIECE(0x102, 0x104, 12), PIECE(0x106, 0x108, 20), PIECE(0x108, 0x10a, 30));
	EXPECT_EQ(check_list(&mm), 3);
	EXPECT_TRUE(mm.mmap == a && a->vm_next == c && c->vm_next == d);   /* structs kept */
	EXPECT_VMA(a, 0x100, 0x102, 10);
	EXPECT_VMA(c, 0x10a, 0x10c, 32);
	EXPECT_EQ(remove_range(&mm, P(0x10e), P(0x111)), 0);     /* d's middle: two VMAs */
	EXPECT_PIECES(PIECE(0x10e, 0x111, 42));
	EXPECT_VMA(d, 0x10c, 0x10e, 40);
	EXPECT_VMA(d->vm_next, 0x111, 0x118, 45);
	EXPECT_EQ(remove_range(&mm, P(0x10a), P(0x10c)), 0);     /* exactly c, d at its end */
	EXPECT_PIECES(PIECE(0x10a, 0x10c, 32));
	EXPECT_TRUE(a->vm_next == d && check_list(&mm) == 3 && live_vmas == 3);
	EXPECT_EQ(vma_remove_range(&mm, 0, TASK_SIZE, NULL), 0); /* no callback */
	EXPECT_TRUE(mm.mmap == NULL && mm.map_count == 0 && live_vmas == 0);
}

/* Out of memory for the first or the second boundary split, across two
 * VMAs and inside one: nothing changed, called back or leaked. */
TEST(remove_range_without_memory_for_either_split_changes_nothing)
{
	for (int i = 0; i < 4; i++) {
		int one = i / 2, nth = 1 + i % 2;
		unsigned long end = P(one ? 0x103 : 0x106);
		struct mm_struct mm = { .mmap_base = P(0x1000) };
		struct snapshot before;

		mk(&mm, 0x100, 0x104, 10);
		if (!one)
			mk(&mm, 0x104, 0x108, 20);
		mk(&mm, 0x200, 0x201, 0);
		snap(&mm, &before);
		fail_nth = nth;
		EXPECT_EQ(remove_range(&mm, P(0x102), end), -ENOMEM);
		EXPECT_EQ(fail_nth, 0);                 /* it did get to the nth */
		EXPECT_EQ(ngot, 0);
		EXPECT_UNCHANGED(&mm, &before);
		EXPECT_EQ(live_vmas, mm.map_count);
		fail_nth = 3;                           /* two allocations are enough */
		EXPECT_EQ(remove_range(&mm, P(0x102), end), 0);
		EXPECT_EQ(fail_nth, 1);
		fail_nth = 0;
		EXPECT_EQ(check_list(&mm), 3);
		done(&mm);
	}
}

TEST(get_unmapped_area_takes_the_highest_fit)
{
	struct mm_struct mm = { .mmap_base = P(0x200) };

	EXPECT_EQ(get_unmapped_area(&mm, PG), P(0x1ff));                /* empty: at the top */
	EXPECT_EQ(get_unmapped_area(&mm, P(0x200 - MIN_PG)), mmap_min_addr);
	EXPECT_EQ(get_unmapped_area(&mm, P(0x201 - MIN_PG)), NOMEM);
	mk(&mm, 0x1f0, 0x200, 0);                       /* touching mmap_base */
	mk(&mm, 0x100, 0x180, 0);
	mk(&mm, 0x300, 0x400, 0);                       /* above mmap_base: no matter */
	/* free: [0x10, 0x100) 0xf0 pages and [0x180, 0x1f0) 0x70 pages */
	EXPECT_EQ(get_unmapped_area(&mm, P(0x10)), P(0x1e0));           /* touches 0x1f0 */
	EXPECT_EQ(get_unmapped_area(&mm, P(0x70)), P(0x180));           /* exact fit */
	EXPECT_EQ(get_unmapped_area(&mm, P(0x71)), P(0x100 - 0x71));    /* the lower gap */
	EXPECT_EQ(get_unmapped_area(&mm, P(0xf0)), mmap_min_addr);      /* exact, at the bottom */
	EXPECT_EQ(get_unmapped_area(&mm, P(0xf1)), NOMEM);              /* no fit */
	EXPECT_EQ(get_unmapped_area(&mm, 0), NOMEM);
	EXPECT_EQ(get_unmapped_area(&mm, 1), NOMEM);
	EXPECT_EQ(get_unmapped_area(&mm, PG + 1), NOMEM);
	EXPECT_EQ(get_unmapped_area(&mm, PAGE_MASK), NOMEM);            /* far too big */
	done(&mm);
	mk(&mm, 0x1f8, 0x208, 0);                       /* across mmap_base */
	EXPECT_EQ(get_unmapped_area(&mm, PG), P(0x1f7));
	done(&mm);
	mm.mmap_base = mmap_min_addr;                   /* nothing below it */
	EXPECT_EQ(get_unmapped_area(&mm, PG), NOMEM);
	mm.mmap_base = mmap_min_addr + PG;              /* one page */
	EXPECT_EQ(get_unmapped_area(&mm, PG), mmap_min_addr);
	EXPECT_EQ(get_unmapped_area(&mm, 2 * PG), NOMEM);
}

/* ---- the reference model -------------------------------------------------- */

static unsigned long top_pg;    /* mmap_base's page: the window is [MIN_PG, top_pg) */
static unsigned long m_tag[MAX_PG], m_pgoff[MAX_PG];    /* tag 0: free */
static bool m_start[MAX_PG];    /* a VMA starts at this page */
static long m_used, m_nvmas;
static unsigned long next_tag;
static uint64_t rng;

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
