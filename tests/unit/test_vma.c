/* An mm's VMA set (mm/vma.c): directed edge cases. The random sequences
 * against a reference model are in test_vma_random.c; the VMAs' memory
 * (malloc, counted, failing on demand) and the helpers both use are in
 * vma_harness.h. Directed tests mostly count in pages: P(0x100). */
#include "tests/unit/unit.h"
#include "tests/unit/vma_harness.h"

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
	const struct { unsigned long start, end; int want; } cases[] = {
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
	const struct { unsigned long start, end; int want; } cases[] = {
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
