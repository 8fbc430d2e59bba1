/* The user half from inside the kernel: an mm's table pages counted and
 * freed at every level, remap_pfn_range's refusals, and the user-access
 * functions' fixups (a bad pointer is -EFAULT, not an oops). */
#include "tests/kernel/ktest.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/sched.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pgalloc.h"
#include "mm/vma.h"

#define BASE  0x40000000UL      /* 1 GiB: its own PUD entry */
#define PAGES 600               /* more than one PTE table (512 entries) */

KTEST(user, mm_table_pages_counted_then_all_freed)
{
	unsigned long free0 = nr_free_pages(), tables0 = nr_pgtable_pages, leaves;
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;

	KUNIT_EXPECT_TRUE(test, mm != 0);
	if (!mm)
		return;
	vma = mmap_region(mm, BASE, PAGES * PAGE_SIZE, VM_READ | VM_WRITE | VM_ACCOUNT, "test");
	KUNIT_EXPECT_FALSE(test, IS_ERR(vma));
	if (IS_ERR(vma)) {
		mmput(mm);
		return;
	}
	for (unsigned long i = 0; i < PAGES; i++)
		KUNIT_EXPECT_EQ(test, handle_mm_fault(vma, BASE + i * PAGE_SIZE + 8), 0);
	/* one PUD page, one PMD page, two PTE pages (and a P4D page with
	 * 5-level paging): as counted, as walked */
	KUNIT_EXPECT_EQ(test, mm->nr_pgtables, 4 + pgtable_l5_enabled());
	KUNIT_EXPECT_EQ(test, mm_walk_pgtables(mm, &leaves), 4 + pgtable_l5_enabled());
	KUNIT_EXPECT_EQ(test, leaves, PAGES);
	KUNIT_EXPECT_EQ(test, mm->rss, PAGES);
	KUNIT_EXPECT_EQ(test, mm->committed, PAGES);
	/* user, writable, NX, and a frame of its own, zeroed */
	pte_t *pte = user_pte_lookup(mm, BASE);
	KUNIT_EXPECT_TRUE(test, pte && pte_present(*pte));
	if (pte) {
		KUNIT_EXPECT_EQ(test, pte_val(*pte) & (_PAGE_USER | _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL),
				_PAGE_USER | _PAGE_RW | _PAGE_NX);
		KUNIT_EXPECT_EQ(test, *(unsigned long *)phys_to_virt(pte_pfn(*pte) << PAGE_SHIFT), 0);
	}
	/* a top-level entry for the user half carries U (SDM Vol. 3A 4.6.1) */
	KUNIT_EXPECT_TRUE(test, pgd_val(mm->pgd[pgd_index(BASE)]) & _PAGE_USER);
	/* refusals: outside the VMA, unaligned; nothing changes */
	KUNIT_EXPECT_EQ(test, remap_pfn_range(vma, BASE - PAGE_SIZE, 0xb8, PAGE_SIZE,
					      vma->vm_page_prot), -EINVAL);
	KUNIT_EXPECT_EQ(test, remap_pfn_range(vma, BASE + PAGES * PAGE_SIZE - PAGE_SIZE, 0xb8,
					      2 * PAGE_SIZE, vma->vm_page_prot), -EINVAL);
	KUNIT_EXPECT_EQ(test, remap_pfn_range(vma, BASE + 1, 0xb8, PAGE_SIZE, vma->vm_page_prot),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mm->rss, PAGES);
	mmput(mm);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
	KUNIT_EXPECT_EQ(test, nr_pgtable_pages, tables0);
}

KTEST(user, pfnmap_pages_are_not_freed_by_unmap)
{
	unsigned long free0 = nr_free_pages();
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;

	KUNIT_EXPECT_TRUE(test, page && mm);
	if (!page || !mm)
		return;
	vma = mmap_region(mm, BASE, PAGE_SIZE, VM_READ | VM_WRITE | VM_SHARED, "pfn");
	KUNIT_EXPECT_EQ(test, remap_pfn_range(vma, BASE, page_to_pfn(page), PAGE_SIZE,
					      vma->vm_page_prot), 0);
	KUNIT_EXPECT_EQ(test, vma->vm_flags & (VM_IO | VM_PFNMAP), VM_IO | VM_PFNMAP);
	KUNIT_EXPECT_EQ(test, mm->rss, 0);
	KUNIT_EXPECT_EQ(test, pte_pfn(*user_pte_lookup(mm, BASE)), page_to_pfn(page));
	mmput(mm);
	/* the page is still the test's: refcount 1, and freeing it balances */
	KUNIT_EXPECT_EQ(test, page->refcount, 1);
	__free_pages(page, 0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
}

KTEST(user, bad_user_pointers_give_efault_not_an_oops)
{
	char buf[16] = "untouched";

	/* the CPU faults on these (nothing is mapped in the user half of
	 * swapper_pg_dir); the exception table turns each into a return */
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)0x1000, 8), 8);
	KUNIT_EXPECT_EQ(test, copy_to_user((void *)0x600000000UL, buf, 16), 16);
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, (char *)0x2000, 8), -EFAULT);
	/* refused by access_ok before any access */
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)PAGE_OFFSET, 8), 8);
	KUNIT_EXPECT_EQ(test, copy_to_user((void *)(TASK_SIZE_MAX - 8), buf, 16), 16);
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)~0UL, 2), 2);
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, (char *)PAGE_OFFSET, 8), -EFAULT);
	KUNIT_EXPECT_STREQ(test, buf, "untouched");
	/* still in one piece: AC clear again after each (CLAC on the fixup path) */
	KUNIT_EXPECT_FALSE(test, read_rflags() & X86_EFLAGS_AC);
}
