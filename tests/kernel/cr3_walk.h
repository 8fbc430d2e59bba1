/* The in-kernel tests' own page-table walk, to check the kernel's walker
 * (mm/pagewalk.c) and everything built on it against: it reads the live
 * tables from CR3 down the way the CPU does (SDM Vol. 3A 4.5), through the
 * direct map, and shares no code with mm/. */
#ifndef TESTS_KERNEL_CR3_WALK_H
#define TESTS_KERNEL_CR3_WALK_H

#include "kernel/x86.h"
#include "mm/page.h"
#include "mm/pgtable.h"

/* The physical address va translates to now; ~0 if it is not mapped. */
static inline uint64_t cr3_walk(unsigned long va)
{
	uint64_t e = read_cr3();
	/* CR4.LA57: a PML5 above the PML4 (SDM Vol. 3A 4.5, Figure 4-9) */
	int top = read_cr4() & X86_CR4_LA57 ? 48 : 39;

	for (int shift = top; shift >= 12; shift -= 9) {   /* (PML5), PML4, PDPT, PD, PT */
		uint64_t size = 1ULL << shift;

		e = ((uint64_t *)__va(e & PHYSICAL_PAGE_MASK))[(va >> shift) & 511];
		if (!(e & _PAGE_PRESENT))
			return ~0ULL;
		/* PS makes a PDPTE or PDE a leaf; a PTE always is one */
		if (shift == 12 || (shift < 39 && (e & _PAGE_PSE)))
			return (e & PHYSICAL_PAGE_MASK & ~(size - 1)) + (va & (size - 1));
	}
	return ~0ULL;
}

#endif
