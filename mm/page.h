/* Physical <-> virtual for the direct map (PAGE_OFFSET + physical) and
 * page-frame numbers. __pa/__va are for direct-map addresses only; the
 * checked virt_to_phys/phys_to_virt WARN outside it (kernel-image
 * addresses use __pa_symbol, mm/memlayout.h). */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdint.h>
#include "mm/memlayout.h"

#define PFN_DOWN(x)  ((x) >> PAGE_SHIFT)
#define PFN_UP(x)    (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x)  ((uint64_t)(x) << PAGE_SHIFT)

#define __pa(x)      ((uint64_t)((unsigned long)(x) - PAGE_OFFSET))
#define __va(x)      ((void *)((unsigned long)(x) + PAGE_OFFSET))

/* One past the highest physical address the direct map covers (0 before it exists). */
extern uint64_t direct_map_end;

uint64_t virt_to_phys(const volatile void *addr);
void *phys_to_virt(uint64_t phys);

#endif
