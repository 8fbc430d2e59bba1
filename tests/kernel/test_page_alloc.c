/* The buddy allocator on the real machine: drain it, give everything back,
 * and the free lists must return to exactly the shape they had. */
#include "tests/kernel/ktest.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static void snapshot(unsigned long counts[NR_PAGE_ORDERS])
{
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		counts[o] = free_area[o].nr_free;
}

/* Allocates at `order` (cycling through orders if order < 0) until the
 * allocator says no, chaining the blocks through their first word; then
 * frees them all. Returns the pages taken. */
static unsigned long drain_and_refill(int order)
{
	void *head = 0;
	unsigned long pages = 0;
	int o = order < 0 ? MAX_ORDER : order;

	for (;;) {
		unsigned long addr = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, o);

		if (!addr) {
			if (order >= 0 || o == 0)
				break;
			o--;            /* mixed: step down when an order runs out */
			continue;
		}
		*(void **)addr = head;
		*((unsigned long *)addr + 1) = o;
		head = (void *)addr;
		pages += 1UL << o;
		if (order < 0)
			o = (o + 3) % (MAX_ORDER + 1);  /* and vary it */
	}
	while (head) {
		void *next = *(void **)head;
		free_pages((unsigned long)head, *((unsigned long *)head + 1));
		head = next;
	}
	return pages;
}

KTEST(page_alloc, every_free_page_at_order_0_and_back)
{
	unsigned long before[NR_PAGE_ORDERS], after[NR_PAGE_ORDERS];
	unsigned long free0 = nr_free_pages();

	snapshot(before);
	KUNIT_EXPECT_EQ(test, drain_and_refill(0), free0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
	snapshot(after);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		KUNIT_EXPECT_EQ(test, after[o], before[o]);
}

KTEST(page_alloc, mixed_orders_and_back)
{
	unsigned long before[NR_PAGE_ORDERS], after[NR_PAGE_ORDERS];
	unsigned long free0 = nr_free_pages();

	snapshot(before);
	KUNIT_EXPECT_EQ(test, drain_and_refill(-1), free0);
	snapshot(after);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		KUNIT_EXPECT_EQ(test, after[o], before[o]);
}

KTEST(page_alloc, out_of_memory_is_null_not_panic)
{
	/* more than all of RAM at once: refused cleanly */
	KUNIT_EXPECT_TRUE(test, alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER + 1) == 0);
	KUNIT_EXPECT_TRUE(test, kmalloc((size_t)1 << 40, GFP_KERNEL | __GFP_NOWARN) == 0);
}

KTEST(page_alloc, zeroed_pages_and_direct_map_address)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	unsigned char *p;
	int nonzero = 0;

	KUNIT_EXPECT_TRUE(test, page != 0);
	if (!page)
		return;
	p = page_address(page);
	KUNIT_EXPECT_EQ(test, __pa(p), PFN_PHYS(page_to_pfn(page)));
	KUNIT_EXPECT_EQ(test, (unsigned long)virt_to_page(p + 5000), (unsigned long)(page + 1));
	for (int i = 0; i < 8192; i++)
		nonzero += p[i] != 0;
	KUNIT_EXPECT_EQ(test, nonzero, 0);
	__free_pages(page, 1);
}
