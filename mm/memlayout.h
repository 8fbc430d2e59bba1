/* The x86-64 virtual memory map, 4-level paging (docs/design.md §2).
 * Same places as Linux (Documentation/arch/x86/x86_64/mm.rst), so that
 * ptdump here and on Linux read alike.
 *
 *  start              end                 PML4   what
 *  0000000000000000 - 00007fffffffffff    0-255  user space (per process)
 *  ---------------- non-canonical hole -----------------
 *  ffff888000000000 - ffffc87fffffffff  273-400  direct map of all RAM
 *  ffffc90000000000 - ffffe8ffffffffff  402-465  vmalloc / ioremap
 *  ffffffff80000000 - ffffffff9fffffff      511  kernel image (phys + map)
 *  FIXADDR_START    - ffffffffff7fffff      511  fixmap (mm/fixmap.h)
 *
 * The kernel image is loaded at physical LOAD_PHYSICAL_ADDR and linked at
 * __START_KERNEL_map + physical: a kernel-image virtual address minus
 * __START_KERNEL_map is its physical address (__pa_symbol).
 * The boot assembly (boot/) uses the few constants it needs from here and
 * mm/pgtable.h by name: kernel/asm-offsets.c generates them at build time.
 */
#ifndef MM_MEMLAYOUT_H
#define MM_MEMLAYOUT_H

#define PAGE_SHIFT          12
#define PAGE_SIZE           (1UL << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)       (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define TASK_SIZE_MAX       0x00007ffffffff000UL   /* last user page excluded */
#define KERNEL_HALF_START   0xffff800000000000UL   /* PGD slot 256 */
#define PAGE_OFFSET         0xffff888000000000UL   /* direct map base */
#define VMALLOC_START       0xffffc90000000000UL
#define VMALLOC_END         0xffffe8ffffffffffUL
#define __START_KERNEL_map  0xffffffff80000000UL
#define KERNEL_IMAGE_SIZE   (512UL << 20)           /* level2_kernel_pgt spans 1 GiB; we use 512 MiB */
#define LOAD_PHYSICAL_ADDR  0x200000UL              /* 2 MiB, where GRUB puts the image */
#define FIXADDR_TOP         0xffffffffff7ff000UL

#define __pa_symbol(x)      ((unsigned long)(x) - __START_KERNEL_map)
#define __va_symbol(pa)     ((void *)((unsigned long)(pa) + __START_KERNEL_map))

/* Bits 63..47 must copy bit 47 (SDM Vol. 1 3.3.7.1, canonical addressing).
 * canonical_address makes them so: 0x0000800000000000, just past the user
 * half, becomes 0xffff800000000000, the start of the kernel half. */
static inline unsigned long canonical_address(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16);
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
