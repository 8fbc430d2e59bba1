/* `pa` and `va` (mm/physaddr.c): what __pa, __pa_symbol and __va compute,
 * next to what the page tables say, so that the one is seen to be
 * arithmetic and the other a walk (Linux's arch/x86/mm/physaddr.c holds
 * __phys_addr, the checked form of the same subtraction). */
#ifndef MM_PHYSADDR_H
#define MM_PHYSADDR_H
#include <stdbool.h>
#include <stdint.h>

/* The physical address the page tables under the current CR3 give for va
 * (the leaf's frame plus the offset inside it, whatever the leaf's size);
 * false if va is not mapped. A lookup, as the MMU does it. */
bool walk_virt_to_phys(unsigned long va, uint64_t *phys);

/* Which formula applies to va (direct map: __pa; kernel image:
 * __pa_symbol; anything else: only the walk), its result, the pfn and
 * struct page, and the walk's answer beside it. */
void pa_show(unsigned long va);
/* __va(phys), the pfn and pfn_to_page, whether the direct map covers
 * phys, and the walk of __va(phys) back to a physical address. */
void va_show(uint64_t phys);
#endif
