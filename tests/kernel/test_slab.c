/* kmalloc (mm/slab.c) on the real machine: every size class usable for
 * its whole size, and the pages back with the buddy allocator. */
#include "tests/kernel/ktest.h"
#include "kernel/string.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

KTEST(slab, kmalloc_classes_and_kfree)
{
	static const size_t sizes[] = { 1, 8, 9, 100, 512, 4000, 4096, 5000, 70000 };
	unsigned long free0 = nr_free_pages();
	void *p[9];

	for (int i = 0; i < 9; i++) {
		p[i] = kmalloc(sizes[i], GFP_KERNEL);
		KUNIT_EXPECT_TRUE(test, p[i] != 0);
		if (p[i]) {
			KUNIT_EXPECT_TRUE(test, ksize(p[i]) >= sizes[i]);
			memset(p[i], 0xa5, sizes[i]);
		}
	}
	for (int i = 0; i < 9; i++)
		kfree(p[i]);
	/* large kmallocs went straight back; small ones may leave a cached slab */
	KUNIT_EXPECT_TRUE(test, nr_free_pages() + 16 >= free0);
}
