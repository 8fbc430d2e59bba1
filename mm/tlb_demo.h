/* Two demonstrations of what the CPU caches and what CR3 selects
 * (mm/tlb_demo.c, mm/init_mm_demo.c), for `tlbdemo` and `initmm_pte`. */
#ifndef MM_TLB_DEMO_H
#define MM_TLB_DEMO_H
#include <stdint.h>

/* A stale TLB entry on purpose: maps page A at a vmap address, reads it,
 * points the PTE at page B without INVLPG, reads again (still A: the TLB
 * entry), then INVLPG and reads B. Prints each step next to the page-table
 * walk. Fills *before, *stale, *after with the three values read and
 * *a, *b with what A and B hold. 0, or -ENOMEM. */
int tlb_stale_demo(uint64_t *a, uint64_t *b, uint64_t *before, uint64_t *stale,
		   uint64_t *after);

/* Writes a PTE for the user address uaddr into the kernel's own table
 * (swapper_pg_dir, Linux's init_mm.pgd) pointing at a new page holding a
 * marker, and reads it back through swapper_pg_dir. Every process's PGD
 * copies only slots 256-511 (pgd_alloc), so no process sees it: `run
 * probe -c read UADDR` is killed. Fills *marker. 0, -EINVAL (not a user
 * address, or swapper's slot for it is in use), -EBUSY (one is mapped
 * already) or -ENOMEM. */
int init_mm_user_pte_map(unsigned long uaddr, uint64_t *marker);
/* Removes it: the PTE, the tables made for it, the page. -ENOENT if none. */
int init_mm_user_pte_clear(void);
#endif
