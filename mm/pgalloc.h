/* Page-table pages: where they come from and how they are reached.
 *
 * One allocation hook (pgtable_set_allocator): memblock during early
 * boot, the page allocator once it exists. Every table page is zeroed and
 * counted in nr_pgtable_pages (meminfo's PageTables). */
#ifndef MM_PGALLOC_H
#define MM_PGALLOC_H

#include "mm/pgtable.h"
#include "kernel/types.h"

extern unsigned long nr_pgtable_pages;

/* The allocator to use after the early pool (64 pages in the image). */
void pgtable_set_allocator(phys_addr_t (*alloc)(void), void (*release)(phys_addr_t pa));
/* Physical memory below `end` is reachable at PAGE_OFFSET + pa now. */
void pgtable_set_direct_map_end(uint64_t end);
/* The table kernel_pgd() returns from now on (swapper_pg_dir). */
void pgtable_set_kernel_pgd(pgd_t *pgd);
/* A zeroed, counted table page; 0 (with one line) when none can be had. */
phys_addr_t pgtable_alloc_page(void);
void pgtable_free_page(phys_addr_t pa);
/* False for the static tables in the kernel image (boot/early_pgt.asm,
 * bm_pte), which are never freed. */
bool pgtable_page_freeable(phys_addr_t pa);

#endif
