/* early_ioremap: temporary mappings of physical memory during boot, before
 * any allocator or the direct map exists. Eight slots of 64 pages each in
 * the fixmap's boot-time block (mm/fixmap.h); a mapping takes one slot and
 * must be undone with the same size. Use early_memremap for RAM and
 * firmware tables (write-back), early_ioremap for device registers
 * (uncached).
 *
 * Errors return NULL (unmap: does nothing) with one line naming the
 * function and its arguments. Boot only: after early_ioremap_finish()
 * every map is refused. Not reentrant: boot is single-threaded. */
#ifndef MM_EARLY_IOREMAP_H
#define MM_EARLY_IOREMAP_H

#include <stdint.h>

void early_ioremap_setup(void);       /* slot addresses; no page tables touched */
void early_ioremap_init(void);        /* installs bm_pte, then early_ioremap_setup */

void *early_ioremap(uint64_t phys, unsigned long size);
void *early_memremap(uint64_t phys, unsigned long size);
void *early_memremap_ro(uint64_t phys, unsigned long size);
void early_iounmap(void *addr, unsigned long size);
void early_memunmap(void *addr, unsigned long size);

/* Counts the slots still mapped; warns (Linux's wording) when there are any. */
int check_early_ioremap_leak(void);
/* Early boot is over: later maps are refused. */
void early_ioremap_finish(void);
/* Prints every slot: address, live or free, and the last mapping's
 * physical address, size, kind and caller (`earlyioremap`). */
void early_ioremap_show(void);

#endif
