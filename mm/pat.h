/* Memory types: the PAT and the PTE bits that select a type (mm/pat.c).
 *
 * A 4 KiB PTE picks one of eight PAT entries with three bits,
 * index = PAT<<2 | PCD<<1 | PWT (SDM Vol. 3A 11.12.3, Table 11-11); the
 * IA32_PAT MSR (0x277) says which memory type each entry means. Linux's
 * layout, programmed at boot when the CPU has PAT:
 *
 *   index  0   1   2    3   4   5   6    7
 *   type   WB  WC  UC-  UC  WB  WP  UC-  WT
 *
 * so the four types drivers use need only PWT and PCD, with the power-on
 * meaning of 0, 2 and 3 unchanged. Without PAT the CPU uses the power-on
 * table (WB WT UC- UC, twice): WC then falls back to UC-. Code asks for a
 * cache mode and gets the bits from cachemode2protval(), never hard-codes
 * PWT/PCD. */
#ifndef MM_PAT_H
#define MM_PAT_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/pgtable.h"

enum page_cache_mode {          /* Linux's values */
	_PAGE_CACHE_MODE_WB       = 0,
	_PAGE_CACHE_MODE_WC       = 1,
	_PAGE_CACHE_MODE_UC_MINUS = 2,
	_PAGE_CACHE_MODE_UC       = 3,
	_PAGE_CACHE_MODE_WT       = 4,
	_PAGE_CACHE_MODE_WP       = 5,
	_PAGE_CACHE_MODE_NUM      = 8
};

#define _PAGE_CACHE_MASK (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT)

/* Programs IA32_PAT (if the CPU has it) and the two lookup tables. */
void pat_init(void);
bool pat_enabled(void);
/* The PWT/PCD/PAT bits of a 4 KiB PTE that give mode (nearest type the
 * PAT offers if it lacks mode), and the mode a PTE's bits give. */
uint64_t cachemode2protval(enum page_cache_mode pcm);
enum page_cache_mode pgprot2cachemode(pgprot_t prot);
/* Linux's names: "write-back", "uncached-minus", ... */
const char *cattr_name(enum page_cache_mode pcm);

/* Linux's pgprot_writecombine and pgprot_noncached: prot with its memory
 * type replaced, for a driver's mmap of device memory into user space
 * (io_remap_pfn_range). WC is PAT index 1 here (PWT alone), so a
 * framebuffer's user PTEs get PWT=1 PCD=0 PAT=0; without PAT, WC falls
 * back to UC- as cachemode2protval says. noncached is UC-, as in Linux. */
static inline pgprot_t pgprot_writecombine(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(_PAGE_CACHE_MODE_WC));
}

static inline pgprot_t pgprot_noncached(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS));
}

/* The memory type of live ioremap mappings of physical memory (Linux's
 * memtype tree, here a list). memtype_reserve records [start, end) with
 * type pcm; a range overlapping a live one of another type is refused:
 * one line naming both types, -EBUSY, nothing recorded. Overlaps of the
 * same type are fine (each is recorded). memtype_free drops a record
 * made for exactly [start, end); -EINVAL (one line) if there is none. */
int memtype_reserve(uint64_t start, uint64_t end, enum page_cache_mode pcm, const char *who);
int memtype_free(uint64_t start, uint64_t end);
unsigned long memtype_count(void);
/* Records the types the fixmap and the direct map already use (after
 * kmem_cache_init). */
void memtype_reserve_boot_mappings(void);

#endif
