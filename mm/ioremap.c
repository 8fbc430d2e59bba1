/* ioremap and iounmap (mm/ioremap.h). */
#include "mm/ioremap.h"
#include "mm/memblock.h"
#include "mm/vmalloc.h"
#include "mm/slab.h"
#include "kernel/cpufeature.h"
#include "kernel/printk.h"

/* Does [start, end) touch System RAM? memblock.memory is the e820 usable
 * RAM; it stays readable after boot (only allocation stops). */
static bool range_has_ram(uint64_t start, uint64_t end)
{
	const struct memblock_type *m = &memblock.memory;

	for (unsigned long i = 0; i < m->cnt; i++)
		if (m->regions[i].base < end && start < m->regions[i].base + m->regions[i].size)
			return true;
	return false;
}

void *__ioremap_caller(uint64_t phys_addr, unsigned long size, enum page_cache_mode pcm,
		       const void *caller)
{
	uint64_t last = phys_addr + size - 1, phys = phys_addr & PAGE_MASK;
	uint64_t end = (last | ~PAGE_MASK) + 1, max = 1ULL << boot_cpu_data.phys_bits;
	unsigned long offset = phys_addr & ~PAGE_MASK;
	struct vm_struct *vm;
	uint64_t prot;

	if (!size || last < phys_addr || last >= max) {
		pr_err("ioremap(%#llx, %#lx): bad range (empty, wrapping or past %u physical bits)\n",
		       (unsigned long long)phys_addr, size, boot_cpu_data.phys_bits);
		return 0;
	}
	if (range_has_ram(phys, end)) {
		pr_err("ioremap on RAM at 0x%016llx - 0x%016llx\n", (unsigned long long)phys_addr,
		       (unsigned long long)last);
		return 0;
	}
	/* what the PAT gives (WC is UC- without PAT): the type recorded */
	pcm = pgprot2cachemode(__pgprot(cachemode2protval(pcm)));
	prot = __PAGE_KERNEL | cachemode2protval(pcm);
	if (memtype_reserve(phys, end, pcm, "ioremap"))
		return 0;
	vm = __get_vm_area_caller(end - phys, PAGE_SIZE, VM_IOREMAP, caller);
	if (!vm)
		goto err_memtype;
	vm->phys_addr = phys;
	if (map_kernel_range(kernel_pgd(), (unsigned long)vm->addr, phys, end - phys,
			     __pgprot(prot), false))
		goto err_area;
	return (char *)vm->addr + offset;
err_area:
	kfree(remove_vm_area(vm->addr));
err_memtype:
	memtype_free(phys, end);
	return 0;
}

void *ioremap(uint64_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, _PAGE_CACHE_MODE_UC_MINUS, __builtin_return_address(0));
}

void *ioremap_uc(uint64_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, _PAGE_CACHE_MODE_UC, __builtin_return_address(0));
}

void *ioremap_wc(uint64_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, _PAGE_CACHE_MODE_WC, __builtin_return_address(0));
}

void *ioremap_cache(uint64_t phys, unsigned long size)
{
	return __ioremap_caller(phys, size, _PAGE_CACHE_MODE_WB, __builtin_return_address(0));
}

void *ioremap_prot(uint64_t phys, unsigned long size, unsigned long prot)
{
	return __ioremap_caller(phys, size, pgprot2cachemode(__pgprot(prot)),
				__builtin_return_address(0));
}

void iounmap(volatile void *addr)
{
	void *base = (void *)((unsigned long)addr & PAGE_MASK);
	struct vm_struct *vm = find_vm_area(base);
	if (!vm || vm->addr != base || !(vm->flags & VM_IOREMAP)) {
		pr_err("iounmap: bad address %p\n", (void *)addr);
		return;
	}
	memtype_free(vm->phys_addr, vm->phys_addr + get_vm_area_size(vm));
	kfree(remove_vm_area(base));
}
