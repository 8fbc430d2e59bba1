/* Top-level page tables for address spaces (mm/pgd.c), Linux's names.
 *
 * Every PGD has two halves (SDM Vol. 3A 4.5: PML4 entry = bits 47:39):
 * slots 0-255 map that address space's user half and start empty; slots
 * 256-511 are copied from the kernel's table (swapper_pg_dir) when the PGD
 * is made (clone_pgd_range), so every address space sees the one kernel.
 * The copy is of top-level entries only, so it stays right only because
 * kernel mappings never change a top-level entry after boot: the direct
 * map's and slot 511's exist from the start, and the vmalloc range's PUD
 * pages are preallocated (mm/vmalloc.c). checkpgd verifies exactly that. */
#ifndef MM_PGD_H
#define MM_PGD_H

#include "mm/pgtable.h"

struct mm_struct;

/* A zeroed top-level page with the kernel half copied in, entered on
 * pgd_list; NULL (one line) without memory. */
pgd_t *pgd_alloc(struct mm_struct *mm);
/* Takes a PGD off pgd_list and frees its page. Its user half must be
 * empty by now (the caller frees the lower tables first): a PGD with a
 * user entry left is refused with one line, and nothing is freed. */
void pgd_free(struct mm_struct *mm, pgd_t *pgd);

/* Copies count top-level entries. */
static inline void clone_pgd_range(pgd_t *dst, const pgd_t *src, int count)
{
	for (int i = 0; i < count; i++)
		set_pgd(&dst[i], src[i]);
}

unsigned long nr_pgds(void);
/* The number of live PGDs whose kernel half differs from the kernel's;
 * for each, out gets one line naming the PGD, the first slot that
 * differs and both values (out may be NULL). */
unsigned long checkpgd(int (*out)(const char *fmt, ...));

/* Runs checkpgd on the console and prints how many PGDs it saw and how
 * many differ (`checkpgd`). */
void checkpgd_show(void);

#endif
