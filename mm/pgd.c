/* PGD allocation and pgd_list (mm/pgd.h). PGD pages are chained through
 * their struct page's lru, which only free pages and slabs otherwise use
 * (as Linux's pgd_list). */
#include "mm/pgd.h"
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "kernel/lab.h"
#include "kernel/list.h"
#include "kernel/printk.h"
#include "mm/pti.h"

static LIST_HEAD(pgd_list);     /* newest first */
static unsigned long pgd_count;

/* With PTI a PGD is an order-1 block, the kernel table 8 KiB aligned and
 * the user table above it (mm/pti.h); fixed at boot, before any process. */
static unsigned int pgd_order(void)
{
	return pti_enabled() ? 1 : 0;
}

pgd_t *pgd_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, pgd_order());
	pgd_t *pgd;

	(void)mm;
	if (!page) {
		pr_err("pgd_alloc: no memory for a top-level table\n");
		return 0;
	}
	pgd = page_address(page);
	/* LAB usersplit BEGIN: the kernel half: copy swapper_pg_dir's top-level entries 256-511 */
	clone_pgd_range(pgd + KERNEL_PGD_BOUNDARY, kernel_pgd() + KERNEL_PGD_BOUNDARY,
			PTRS_PER_PGD - KERNEL_PGD_BOUNDARY);
	/* LAB usersplit STUB
	lab_not_implemented("usersplit", __func__);
	// without the kernel half the first switch to this PGD would triple-fault: refuse instead
	__free_pages(page, 0);
	return NULL;
	   LAB usersplit END */
	if (pti_enabled())
		pti_clone_kernel_half(kernel_to_user_pgdp(pgd));
	page->flags |= PG_pgtable;
	list_add(&page->lru, &pgd_list);
	pgd_count++;
	nr_pgtable_pages++;
	return pgd;
}

void pgd_free(struct mm_struct *mm, pgd_t *pgd)
{
	struct page *page = pgd ? virt_to_page(pgd) : 0;

	(void)mm;
	if (!page || !(page->flags & PG_pgtable) || ((unsigned long)pgd & ~PAGE_MASK)) {
		pr_err("pgd_free(%p): not a PGD from pgd_alloc\n", pgd);
		return;
	}
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
		if (!pgd_none(pgd[i]) || (pti_enabled() && !pgd_none(kernel_to_user_pgdp(pgd)[i]))) {
			pr_err("pgd_free(%p): user slot %d still maps %#llx; not freed\n", pgd, i,
			       (unsigned long long)pgd_val(pgd[i]));
			return;
		}
	list_del(&page->lru);
	page->flags &= ~PG_pgtable;
	pgd_count--;
	nr_pgtable_pages--;
	__free_pages(page, pgd_order());
}

unsigned long nr_pgds(void)
{
	return pgd_count;
}

unsigned long checkpgd(int (*out)(const char *fmt, ...))
{
	const pgd_t *kernel = kernel_pgd();
	unsigned long bad = 0;
	struct page *p;

	list_for_each_entry(p, &pgd_list, lru) {
		const pgd_t *pgd = page_address(p);

		for (int i = KERNEL_PGD_BOUNDARY; i < PTRS_PER_PGD; i++)
			if (pgd_val(pgd[i]) != pgd_val(kernel[i])) {
				if (out)
					out("checkpgd: PGD at %#llx: slot %d is %#llx, the kernel's is %#llx\n",
					    (unsigned long long)__pa(pgd), i,
					    (unsigned long long)pgd_val(pgd[i]),
					    (unsigned long long)pgd_val(kernel[i]));
				bad++;
				break;
			}
		if (pti_enabled())
			bad += pti_check_user_pgd(pgd, out);
	}
	return bad;
}

/* checkpgd, then its summary line (`checkpgd`); with PTI a second line
 * for the user tables. */
void checkpgd_show(void)
{
	unsigned long bad = checkpgd(console_printf), bad_user = 0;
	struct page *p;

	if (pti_enabled())
		list_for_each_entry(p, &pgd_list, lru)
			bad_user += pti_check_user_pgd(page_address(p), 0);
	console_printf("checkpgd: %lu PGDs besides the kernel's, %lu with a kernel half that differs\n",
		       pgd_count, bad - bad_user);
	if (pti_enabled())
		console_printf("checkpgd: %lu PTI user tables, %lu whose user half differs from their "
			       "kernel table's or whose kernel half is not just the entry mappings\n",
			       pgd_count, bad_user);
}
