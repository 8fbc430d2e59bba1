/* memremap and memunmap (mm/memremap.h). */
#include "mm/memremap.h"
#include "mm/ioremap.h"
#include "mm/memblock.h"
#include "mm/page.h"
#include "mm/vmalloc.h"
#include "kernel/printk.h"

/* Linux asks the resource tree (region_intersects on "System RAM");
 * memblock.memory is the same set of ranges here (e820's usable RAM less
 * memmap= reservations) and stays readable after boot. 1: wholly inside
 * RAM, 0: disjoint, -1: mixed. */
int memremap_is_ram(uint64_t offset, size_t size)
{
	uint64_t end = offset + size;
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (r->base <= offset && end <= r->base + r->size)
			return 1;
		if (r->base < end && offset < r->base + r->size)
			return -1;
	}
	return 0;
}

void *__memremap_caller(uint64_t offset, size_t size, unsigned long flags, const void *caller)
{
	int ram = memremap_is_ram(offset, size);

	if (!size || offset + size < offset || ram < 0) {
		pr_warn("memremap attempted on mixed range 0x%016llx size: 0x%lx\n",
			(unsigned long long)offset, (unsigned long)size);
		return 0;
	}
	/* RAM is already mapped write-back by the direct map: handing out
	 * that address avoids a second mapping (and a second memory type). */
	if ((flags & MEMREMAP_WB) && ram && offset + size <= direct_map_end)
		return __va(offset);
	if (flags & MEMREMAP_WB)
		return __ioremap_caller(offset, size, _PAGE_CACHE_MODE_WB, caller);
	if (flags & MEMREMAP_WT)
		return __ioremap_caller(offset, size, _PAGE_CACHE_MODE_WT, caller);
	if (flags & MEMREMAP_WC)
		return __ioremap_caller(offset, size, _PAGE_CACHE_MODE_WC, caller);
	pr_warn("memremap: no type in flags 0x%lx\n", flags);
	return 0;
}

void *memremap(uint64_t offset, size_t size, unsigned long flags)
{
	return __memremap_caller(offset, size, flags, __builtin_return_address(0));
}

void memunmap(void *addr)
{
	unsigned long a = (unsigned long)addr;

	if (a >= VMALLOC_START && a <= VMALLOC_END)
		iounmap(addr);
}
