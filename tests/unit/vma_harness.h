/* Shared by the VMA-set host tests (test_vma.c, test_vma_random.c) of
 * mm/vma.c: the VMAs' memory and the helpers around it.
 *
 * VMAs come from this file's vm_area_alloc/vm_area_dup/vm_area_free:
 * malloc, counted (every test ends with live VMAs == map_count, so a leak
 * or a double free shows), and made to fail on demand ("the Nth allocation
 * from now"). Then: inserting a VMA, checking the list is well formed,
 * ending a test (done), a byte-for-byte snapshot of the list, and
 * vma_remove_range with what it passed to unmap() recorded.
 *
 * Each test program is one translation unit plus the source under test, so
 * the helpers here are static (the vm_area_* stubs are the definitions the
 * source links against); they are inline so that a program that does not
 * use one of them gets no -Wunused-function. Include after
 * tests/unit/unit.h.
 */
#ifndef TESTS_UNIT_VMA_HARNESS_H
#define TESTS_UNIT_VMA_HARNESS_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/vma_harness.h"
#endif

#include <stdint.h>
#include "mm/vma.h"
#include "kernel/errno.h"
#include "kernel/types.h"

#define PG              PAGE_SIZE
#define P(n)            ((unsigned long)(n) << PAGE_SHIFT)     /* page n's address */
#define MIN_PG          (mmap_min_addr >> PAGE_SHIFT)
#define MAX_PG          (MIN_PG + 4096)         /* the model's pages: [0, MAX_PG) */
#define NOMEM           ((unsigned long)-ENOMEM)
#define RW              (VM_READ | VM_WRITE)    /* the directed tests' vm_flags */
#define N(a)            ((int)ARRAY_SIZE(a))

/* ---- VMA memory and helpers ----------------------------------------------- */

static long live_vmas;
static int fail_nth;            /* 0: never; N: the Nth allocation from now fails */

/* A copy of from, unlinked; NULL if this allocation is to fail. */
static inline struct vm_area_struct *new_vma(const struct vm_area_struct *from)
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
static inline int insert(struct mm_struct *mm, unsigned long start, unsigned long end,
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
static inline struct vm_area_struct *mk(struct mm_struct *mm, unsigned long s,
					unsigned long e, unsigned long pgoff)
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
static inline int check_list(struct mm_struct *mm)
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
static inline void done(struct mm_struct *mm)
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

static inline void snap(struct mm_struct *mm, struct snapshot *s)
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
static struct piece got[MAX_PG];
static int ngot;
static struct mm_struct *cb_mm;
static unsigned long cb_start, cb_end;

static inline void record(struct vm_area_struct *vma)
{
	/* still linked, inside the range, after the one before */
	EXPECT_TRUE(vma->vm_mm == cb_mm && find_vma(cb_mm, vma->vm_start) == vma);
	EXPECT_TRUE(vma->vm_start >= cb_start && vma->vm_end <= cb_end);
	EXPECT_TRUE(ngot == 0 || got[ngot - 1].end <= vma->vm_start);
	if (ngot < N(got))
		got[ngot++] = (struct piece){ vma->vm_start, vma->vm_end, vma->vm_flags,
					      vma->vm_pgoff };
}

static inline int remove_range(struct mm_struct *mm, unsigned long start, unsigned long end)
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

#endif
