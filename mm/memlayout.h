/* The x86-64 virtual memory map (docs/design.md §2), 4-level paging and,
 * with `la57` on the command line, 5-level paging (docs/address-spaces.md §3).
 * Same places as Linux (Documentation/arch/x86/x86_64/mm.rst), so that
 * ptdump here and on Linux read alike.
 *
 *  start              end                 PML4   what
 *  0000000000000000 - 00007fffffffffff    0-255  user space (per process)
 *  ---------------- non-canonical hole -----------------
 *  ffff888000000000 - ffffc87fffffffff  273-400  direct map of all RAM
 *  ffffc90000000000 - ffffe8ffffffffff  402-465  vmalloc / ioremap
 *  fffffe0000000000 - fffffe7fffffffff      508  cpu_entry_area (kernel/gdt.h)
 *  ffffffff80000000 - ffffffff9fffffff      511  kernel image (phys + map)
 *  FIXADDR_START    - ffffffffff7fffff      511  fixmap (mm/fixmap.h)
 *
 * With 5-level paging (CR4.LA57, 57-bit addresses) Linux's 5-level map:
 *  0000000000000000 - 00ffffffffffffff    0-255  user space (47-bit unless an mmap hint asks)
 *  ff11000000000000 - ff90ffffffffffff  273-400  direct map of all RAM
 *  ffa0000000000000 - ffd1ffffffffffff  416-465  vmalloc / ioremap
 *  cpu_entry_area, kernel image and fixmap: unchanged (PML5 511, PML4 508/511)
 * The values that differ are chosen at boot from pgtable_l5_enabled():
 * the boot code (boot/head.asm) decides, before paging is on, and never
 * changes its mind (CR4.LA57 cannot change in long mode, SDM 3A 4.1.1).
 *
 * The kernel image is loaded at physical LOAD_PHYSICAL_ADDR and linked at
 * __START_KERNEL_map + physical: a kernel-image virtual address minus
 * __START_KERNEL_map is its physical address (__pa_symbol).
 * The boot assembly (boot/) uses the few constants it needs from here and
 * mm/pgtable.h by name: kernel/asm-offsets.c generates them at build time.
 */
#ifndef MM_MEMLAYOUT_H
#define MM_MEMLAYOUT_H

#include <stdbool.h>

/* Set by boot/head.asm, before paging is on, iff it turned CR4.LA57 on
 * (defined in mm/pagewalk.c). The host tests model 4-level paging unless
 * one sets it: a weak definition, so those that link no mm/pagewalk.c
 * have one. */
#ifdef HOST_TEST
__attribute__((weak)) bool __pgtable_l5_enabled;
#else
extern bool __pgtable_l5_enabled;
#endif
static inline bool pgtable_l5_enabled(void) { return __pgtable_l5_enabled; }

#define PAGE_SHIFT          12
#define PAGE_SIZE           (1UL << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)       (((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* User space ends at DEFAULT_MAP_WINDOW (47 bits) in both modes: the
 * stack and every mmap without a hint go there. With LA57 an mmap hint
 * above it may reach TASK_SIZE_MAX, 56 bits (Linux's rule, mm/mmap.c). */
#define DEFAULT_MAP_WINDOW  0x00007ffffffff000UL   /* last 47-bit page excluded */
#define TASK_SIZE_MAX_L5    0x00fffffffffff000UL   /* last 56-bit page excluded */
#define TASK_SIZE_MAX       (pgtable_l5_enabled() ? TASK_SIZE_MAX_L5 : DEFAULT_MAP_WINDOW)
#define __VIRTUAL_MASK_SHIFT (pgtable_l5_enabled() ? 56 : 47)
/* The first kernel-half address: top-level slot 256 in both modes. */
#define KERNEL_HALF_START   (pgtable_l5_enabled() ? 0xff00000000000000UL : 0xffff800000000000UL)
/* Linux's page_offset_base and vmalloc_base (mm.rst, both layouts). */
#define __PAGE_OFFSET_BASE_L4 0xffff888000000000UL
#define __PAGE_OFFSET_BASE_L5 0xff11000000000000UL
#define __VMALLOC_BASE_L4   0xffffc90000000000UL
#define __VMALLOC_BASE_L5   0xffa0000000000000UL
#define page_offset_base    (pgtable_l5_enabled() ? __PAGE_OFFSET_BASE_L5 : __PAGE_OFFSET_BASE_L4)
#define vmalloc_base        (pgtable_l5_enabled() ? __VMALLOC_BASE_L5 : __VMALLOC_BASE_L4)
#define PAGE_OFFSET         page_offset_base        /* direct map base */
#define VMALLOC_START       vmalloc_base
/* Linux's CPU_ENTRY_AREA_BASE, the same in both layouts: PGD slot 508
 * with 4 levels, P4D slot 508 under PML5 slot 511 with 5. */
#define CPU_ENTRY_AREA_BASE 0xfffffe0000000000UL
/* 32 TiB with 4 levels, 12.5 PiB with 5 (mm.rst's vmalloc rows). */
#define VMALLOC_END         (VMALLOC_START + (pgtable_l5_enabled() ? 0x31ffffffffffffUL : \
							  0x1fffffffffffUL))
#define __START_KERNEL_map  0xffffffff80000000UL
#define KERNEL_IMAGE_SIZE   (512UL << 20)           /* level2_kernel_pgt spans 1 GiB; we use 512 MiB */
#define LOAD_PHYSICAL_ADDR  0x200000UL              /* 2 MiB, where GRUB puts the image */
#define FIXADDR_TOP         0xffffffffff7ff000UL

#define __pa_symbol(x)      ((unsigned long)(x) - __START_KERNEL_map)
#define __va_symbol(pa)     ((void *)((unsigned long)(pa) + __START_KERNEL_map))

/* Bits 63..47 must copy bit 47 (SDM Vol. 1 3.3.7.1, canonical addressing;
 * with LA57 bits 63..56 copy bit 56, SDM 3A 4.5).
 * canonical_address makes them so: 0x0000800000000000, just past the user
 * half, becomes 0xffff800000000000, the start of the kernel half. */
static inline unsigned long canonical_address(unsigned long va)
{
	unsigned int s = 63 - __VIRTUAL_MASK_SHIFT;

	return (unsigned long)((long)(va << s) >> s);
}

static inline int is_canonical(unsigned long va)
{
	return canonical_address(va) == va;
}

static inline int is_kernel_half(unsigned long va)
{
	return va >= KERNEL_HALF_START;
}

#endif
