/* The constants the assembly shares with the C headers, generated from
 * them so that the two cannot differ (Linux's arch/x86/kernel/asm-offsets.c).
 *
 * Compiled with the kernel's compiler and flags to assembly only, never
 * linked (the Makefile leaves it out of the kernel's objects). Each
 * DEFINE(NAME, value) leaves a line ".ascii "->NAME value"" in that
 * assembly; scripts/asm_offsets.py turns each into "%define NAME value" in
 * $(B)/generated/asm-offsets.inc, which boot/memlayout.inc includes. The
 * "i" constraint makes the compiler refuse anything but a constant. */
#include "kernel/multiboot2.h"
#include "mm/memlayout.h"
#include "mm/pgtable.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i" (val))

void asm_offsets(void);

void asm_offsets(void)
{
	/* mm/memlayout.h: where the image is loaded and linked */
	DEFINE(PAGE_SIZE, PAGE_SIZE);
	DEFINE(__START_KERNEL_map, __START_KERNEL_map);
	DEFINE(LOAD_PHYSICAL_ADDR, LOAD_PHYSICAL_ADDR);

	/* mm/pgtable.h: the entry bits and sizes the early tables use */
	DEFINE(_PAGE_PRESENT, _PAGE_PRESENT);
	DEFINE(_PAGE_RW, _PAGE_RW);
	DEFINE(_PAGE_ACCESSED, _PAGE_ACCESSED);
	DEFINE(_PAGE_DIRTY, _PAGE_DIRTY);
	DEFINE(_PAGE_PSE, _PAGE_PSE);
	DEFINE(_PAGE_GLOBAL, _PAGE_GLOBAL);
	DEFINE(_KERNPG_TABLE, _KERNPG_TABLE);
	DEFINE(PMD_SIZE, PMD_SIZE);

	/* Where the early tables hook in: the slots p4d_index (the PML4), pud_index and
	 * pmd_index give for the image's and the fixmap's addresses (written
	 * out, since the "i" constraint needs constants, not calls). */
	DEFINE(KERNEL_PGD_SLOT, (__START_KERNEL_map >> P4D_SHIFT) & (PTRS_PER_PGD - 1));
	DEFINE(KERNEL_PUD_SLOT, (__START_KERNEL_map >> PUD_SHIFT) & (PTRS_PER_PUD - 1));
	DEFINE(FIXMAP_PUD_SLOT, (FIXADDR_TOP >> PUD_SHIFT) & (PTRS_PER_PUD - 1));
	DEFINE(FIXMAP_PMD_SLOT, (FIXADDR_TOP >> PMD_SHIFT) & (PTRS_PER_PMD - 1));

	/* kernel/multiboot2.h: what the loader leaves in EAX */
	DEFINE(MULTIBOOT2_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC);
}
