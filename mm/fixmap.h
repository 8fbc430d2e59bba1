/* The fixmap: virtual addresses fixed at compile time, just below
 * FIXADDR_TOP, whose physical target is chosen at run time by writing one
 * PTE. It exists before any allocator: its page tables are static
 * (level1_fixmap_pgt for the permanent entries, bm_pte for the boot-time
 * block), so the kernel can reach the LAPIC, the IO-APICs, the VGA screen
 * and firmware tables from its first instructions.
 *
 * Index i lives at __fix_to_virt(i) = FIXADDR_TOP - i * PAGE_SIZE: index 0
 * is the highest page and higher indices go down.
 *
 *   FIXADDR_TOP = 0xffffffffff7ff000   index 0 (FIX_HOLE, never mapped)
 *                                      index 1.. permanent entries
 *   FIXADDR_START                      __end_of_permanent_fixed_addresses - 1
 *                 (gap up to a PTE-page boundary)
 *                                      FIX_BTMAP_END: boot-time block, 8 slots
 *   FIXADDR_TOT_START                  FIX_BTMAP_BEGIN = FIX_BTMAP_END + 511
 *
 * Each of the two parts sits inside one 2 MiB region, i.e. one PTE page
 * (checked at build time below).
 */
#ifndef MM_FIXMAP_H
#define MM_FIXMAP_H

#include "mm/memlayout.h"
#include "mm/pgtable.h"

#define MAX_IO_APICS     4
#define NR_FIX_BTMAPS    64     /* pages per early_ioremap slot */
#define FIX_BTMAPS_SLOTS 8
#define TOTAL_FIX_BTMAPS (NR_FIX_BTMAPS * FIX_BTMAPS_SLOTS)

enum fixed_addresses {
	FIX_HOLE,               /* a guard page at the very top */
	FIX_VGA_TEXT,           /* 0xb8000, the VGA text screen (drivers/vga.c) */
	FIX_APIC_BASE,          /* the local APIC's registers */
	FIX_IO_APIC_BASE_0,
	FIX_IO_APIC_BASE_END = FIX_IO_APIC_BASE_0 + MAX_IO_APICS - 1,
	__end_of_permanent_fixed_addresses,
	/* The boot-time block starts at the next PTE-page boundary if it would
	 * otherwise straddle one, so all 512 entries share one PTE page. */
	FIX_BTMAP_END =
		(__end_of_permanent_fixed_addresses / PTRS_PER_PTE) !=
		((__end_of_permanent_fixed_addresses + TOTAL_FIX_BTMAPS - 1) / PTRS_PER_PTE)
		? (__end_of_permanent_fixed_addresses / PTRS_PER_PTE + 1) * PTRS_PER_PTE
		: __end_of_permanent_fixed_addresses,
	FIX_BTMAP_BEGIN = FIX_BTMAP_END + TOTAL_FIX_BTMAPS - 1,
	__end_of_fixed_addresses
};

#define FIXADDR_SIZE      ((unsigned long)__end_of_permanent_fixed_addresses << PAGE_SHIFT)
#define FIXADDR_START     (FIXADDR_TOP - FIXADDR_SIZE)
#define FIXADDR_TOT_SIZE  ((unsigned long)__end_of_fixed_addresses << PAGE_SHIFT)
#define FIXADDR_TOT_START (FIXADDR_TOP - FIXADDR_TOT_SIZE)

#define __fix_to_virt(x)  (FIXADDR_TOP - ((unsigned long)(x) << PAGE_SHIFT))
#define __virt_to_fix(x)  ((FIXADDR_TOP - ((x) & PAGE_MASK)) >> PAGE_SHIFT)

/* The layout facts the code relies on. */
_Static_assert(FIXADDR_TOP == 0xffffffffff7ff000UL, "FIXADDR_TOP moved");
_Static_assert((__fix_to_virt(0) >> PMD_SHIFT) ==
	       (__fix_to_virt(__end_of_permanent_fixed_addresses - 1) >> PMD_SHIFT),
	       "permanent fixmap entries must share level1_fixmap_pgt");
_Static_assert((__fix_to_virt(FIX_BTMAP_BEGIN) >> PMD_SHIFT) ==
	       (__fix_to_virt(FIX_BTMAP_END) >> PMD_SHIFT),
	       "the boot-time block must not straddle a 2 MiB (PTE page) boundary");
_Static_assert((__fix_to_virt(FIX_BTMAP_BEGIN) >> PUD_SHIFT) == (FIXADDR_TOP >> PUD_SHIFT),
	       "the whole fixmap must sit under level2_fixmap_pgt");

/* fix_to_virt: for a compile-time constant index only, which is checked at
 * compile time (an out-of-range constant does not build; see
 * tests/build/fixmap_bad_index.c). Use __fix_to_virt for run-time indices. */
#define fix_to_virt(idx) ({                                                   \
	_Static_assert((idx) < __end_of_fixed_addresses,                      \
		       "fix_to_virt: index beyond __end_of_fixed_addresses"); \
	__fix_to_virt(idx);                                                   \
})

/* The index of a fixmap address; -EINVAL (with one line) outside the area. */
long virt_to_fix(unsigned long vaddr);

/* Points index idx at physical phys (rounded down to its page) with prot,
 * or clears it (prot 0). Flushes that one address from the TLB. A bad
 * index or an index with no PTE page yet is refused with one line.
 * Returns 0 or -EINVAL. Any context; no allocation. */
int __set_fixmap(enum fixed_addresses idx, uint64_t phys, pgprot_t prot);

#define set_fixmap(idx, phys)         __set_fixmap(idx, phys, PAGE_KERNEL)
#define set_fixmap_nocache(idx, phys) __set_fixmap(idx, phys, PAGE_KERNEL_NOCACHE)
#define set_fixmap_io(idx, phys)      __set_fixmap(idx, phys, PAGE_KERNEL_IO)
#define clear_fixmap(idx)             __set_fixmap(idx, 0, __pgprot(0))

/* Maps and returns the virtual address of phys itself (page offset kept);
 * 0 on a refused index. */
unsigned long __set_fixmap_offset(enum fixed_addresses idx, uint64_t phys, pgprot_t prot);
#define set_fixmap_offset(idx, phys)         __set_fixmap_offset(idx, phys, PAGE_KERNEL)
#define set_fixmap_offset_nocache(idx, phys) __set_fixmap_offset(idx, phys, PAGE_KERNEL_NOCACHE)

/* The PTE that maps index idx, or NULL if its PTE page is not installed. */
pte_t *fixmap_pte(unsigned long idx);
const char *fixmap_name(unsigned long idx, char *buf, unsigned int len);

/* Prints every permanent index and the boot-time ones that are mapped
 * (all: every boot-time index too): name, virtual address, PTE (`fixmap`). */
void fixmap_show(bool all);

#endif
