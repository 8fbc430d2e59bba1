/* ioremap: device memory (MMIO) mapped into the vmalloc range with the
 * memory type the device needs (mm/ioremap.c). The cache modes and PTE
 * bits are mm/pat.h's.
 *
 *   ioremap        uncached-minus (UC-: an MTRR may still make it WC)
 *   ioremap_uc     uncached (UC, strong)
 *   ioremap_wc     write-combining (frame buffers)
 *   ioremap_cache  write-back (memory that behaves like RAM)
 *
 * phys and size need not be page-aligned: the pages that cover them are
 * mapped and the returned pointer keeps phys's offset in its page.
 * Refused, with one line and NULL: size 0, a range that wraps or lies
 * past the CPU's physical address width, any whole page of System RAM
 * (the direct map already maps it, write-back; a second mapping with
 * another type is undefined behaviour, SDM Vol. 3A 11.12.4; a page only
 * partly RAM, such as 0x9f000 on a PC, is not RAM to the direct map or to
 * Linux's page-level check either), and a range that overlaps a live
 * mapping of another type (mm/pat.h: ioremaps, the fixmap's devices, the
 * direct map's firmware ranges). */
#ifndef MM_IOREMAP_H
#define MM_IOREMAP_H

#include <stdint.h>
#include "mm/pat.h"

void *ioremap(uint64_t phys, unsigned long size);
void *ioremap_uc(uint64_t phys, unsigned long size);
void *ioremap_wc(uint64_t phys, unsigned long size);
void *ioremap_cache(uint64_t phys, unsigned long size);
/* prot: the PWT/PCD/PAT bits say the type; RW/NX/GLOBAL are kernel's. */
void *ioremap_prot(uint64_t phys, unsigned long size, unsigned long prot);
/* The same, with caller named in vmallocinfo (the shell passes its own). */
void *__ioremap_caller(uint64_t phys, unsigned long size, enum page_cache_mode pcm,
		       const void *caller);
/* Anything that ioremap did not return: one line, nothing changed. */
void iounmap(volatile void *addr);

#endif
