/* memremap (mm/memremap.c), Linux's kernel/iomem.c: map memory that
 * is not MMIO, with a cache type, where RAM already mapped cached is not
 * mapped again. A page kept from the kernel with memmap=nn$ss is not
 * System RAM any more, so a WB memremap of it gets a new, cached mapping:
 * "reserve a page at boot and use it cached". */
#ifndef MM_MEMREMAP_H
#define MM_MEMREMAP_H
#include <stddef.h>
#include <stdint.h>

enum {                          /* Linux's flags */
	MEMREMAP_WB = 1 << 0,   /* write-back: RAM gets its direct-map address */
	MEMREMAP_WT = 1 << 1,   /* write-through: always a new mapping */
	MEMREMAP_WC = 1 << 2,   /* write-combining: always a new mapping */
};

/* The address of [offset, offset+size) mapped with one type; NULL with a
 * line if the range is part RAM and part not, or if the new mapping
 * fails (ioremap's own line: e.g. WT or WC on RAM, which the direct map
 * already maps WB, and two types for one page are not allowed). caller is
 * what vmallocinfo shows for a new mapping. */
void *__memremap_caller(uint64_t offset, size_t size, unsigned long flags, const void *caller);
void *memremap(uint64_t offset, size_t size, unsigned long flags);
/* Undoes memremap: a direct-map address needs nothing, a new mapping is
 * unmapped (iounmap). */
void memunmap(void *addr);
/* Whether memremap(offset, size, MEMREMAP_WB) returns the direct map. */
int memremap_is_ram(uint64_t offset, size_t size);
#endif
