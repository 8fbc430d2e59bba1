/* How the kernel gets and reaches its page-table pages (mm/pgalloc.h).
 * Kernel only: the host tests of mm/pgtable.c bring their own simulated
 * physical memory instead. */
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "kernel/vsprintf.h"
#include "kernel/string.h"

extern char _text[], _end[];
extern pgd_t early_top_pgt[512], early_top_pgt5[512];

static uint64_t direct_map_reach;     /* physical below this: PAGE_OFFSET + pa */
/* NULL until swapper_pg_dir: the boot table, whichever level CR3 has */
static pgd_t *kernel_top;

/* Through the direct map once it reaches pa; before that, table pages
 * in the image through the image's mapping. (Not the other way round: the
 * freed __init pages are in the image's range but no longer mapped there,
 * and the page allocator hands them out again.) */
void *pgtable_phys_to_virt(uint64_t pa)
{
	if (pa < direct_map_reach)
		return __va(pa);
	if (pa >= __pa_symbol(_text) && pa < __pa_symbol(_end))
		return __va_symbol(pa);
	return 0;
}

void pgtable_set_direct_map_end(uint64_t end)
{
	direct_map_reach = end;
}

pgd_t *kernel_pgd(void)
{
	if (!kernel_top)
		return pgtable_l5_enabled() ? early_top_pgt5 : early_top_pgt;
	return kernel_top;
}

void pgtable_set_kernel_pgd(pgd_t *pgd)
{
	kernel_top = pgd;
}

pgd_t *current_pgd(void)
{
	return pgtable_phys_to_virt(read_cr3() & PHYSICAL_PAGE_MASK);
}

/* Before memblock or the direct map, table pages come from a pool inside
 * the kernel image (reachable through the image's own mapping): enough to
 * split the image's 2 MiB pages and to start the direct map. Linux keeps
 * a similar early buffer for the same reason. What boot leaves of it
 * serves later tables too (with 5 levels, boot preallocates few), so a
 * freed pool page goes back to the pool: it must not leak, and the page
 * allocator cannot take a page of the image. */
#define EARLY_PGT_PAGES 64
static uint8_t early_pgt_buf[EARLY_PGT_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned int early_pgt_used;
static phys_addr_t early_pgt_freed[EARLY_PGT_PAGES];
static unsigned int early_pgt_nr_freed;

static bool in_early_pgt_pool(phys_addr_t pa)
{
	return pa >= __pa_symbol(early_pgt_buf) && pa < __pa_symbol(early_pgt_buf + EARLY_PGT_PAGES);
}

/* Where table pages come from once the early pool is used up: memblock,
 * then the page allocator (pgtable_set_allocator). */
static phys_addr_t (*alloc_hook)(void);
static void (*free_hook)(phys_addr_t pa);
unsigned long nr_pgtable_pages;

void pgtable_set_allocator(phys_addr_t (*alloc)(void), void (*release)(phys_addr_t))
{
	alloc_hook = alloc;
	free_hook = release;
}

static phys_addr_t early_pgt_alloc(void)
{
	if (early_pgt_nr_freed)
		return early_pgt_freed[--early_pgt_nr_freed];
	if (early_pgt_used < EARLY_PGT_PAGES)
		return __pa_symbol(early_pgt_buf[early_pgt_used++]);
	return 0;
}

phys_addr_t pgtable_alloc_page(void)
{
	phys_addr_t pa = early_pgt_alloc();
	void *va;

	if (!pa && alloc_hook)
		pa = alloc_hook();
	va = pa ? pgtable_phys_to_virt(pa) : 0;
	if (!va) {
		pr_err("pgtable_alloc_page: no page for a page table (%s)\n",
		       alloc_hook ? "allocator empty or page unreachable" : "no allocator yet");
		return 0;
	}
	memset(va, 0, PAGE_SIZE);   /* a new table maps nothing (SDM 3A 4.5: P=0) */
	nr_pgtable_pages++;
	return pa;
}

/* The image's own tables never came from an allocator; a page of the
 * early pool or of the freed __init region did (free_initmem gave the
 * latter to the page allocator). */
bool pgtable_page_freeable(phys_addr_t pa)
{
	return pa < __pa_symbol(_text) || pa >= __pa_symbol(_end) || in_early_pgt_pool(pa) ||
	       (pa >= __pa_symbol(__init_begin) && pa < __pa_symbol(__init_end));
}

void pgtable_free_page(phys_addr_t pa)
{
	if (in_early_pgt_pool(pa)) {
		for (unsigned int i = 0; i < early_pgt_nr_freed; i++)
			if (early_pgt_freed[i] == pa) {
				pr_err("pgtable_free_page(%#llx): freed twice\n", (unsigned long long)pa);
				return;
			}
		early_pgt_freed[early_pgt_nr_freed++] = pa;     /* at most the pool's pages */
	} else if (free_hook) {
		free_hook(pa);
	}
	nr_pgtable_pages--;
}
