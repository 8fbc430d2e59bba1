/* The direct map: all RAM the firmware map names (usable, ACPI data, ACPI
 * NVS) at PAGE_OFFSET + physical, in the kernel's own top-level table
 * swapper_pg_dir; then CR3 moves there from the boot table.
 *
 * Leaves are as large as alignment allows: 1 GiB where CPUID has pdpe1gb,
 * else 2 MiB, 4 KiB only at unaligned edges; every entry is NX and global
 * (PAGE_KERNEL). Holes and MMIO are left unmapped, so a stray access to
 * device memory through the direct map faults instead of being cached.
 *
 * The map is built in the active table in 1 GiB steps, so what is mapped
 * is usable at once: table pages come first from the image's early pool,
 * then from memblock below what is already mapped (mm/pgalloc.c). */
#include "mm/direct_map.h"
#include "kernel/init.h"
#include "mm/memblock.h"
#include "mm/page.h"
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "mm/pgtable.h"
#include "kernel/e820.h"
#include "kernel/cpufeature.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lab.h"
#include "kernel/string.h"
#include "kernel/x86.h"

/* 8 KiB-aligned: bit 12 of the kernel's CR3 clear, as for every PGD the
 * entry code may find in CR3 with pti=on (boot/early_pgt.asm) */
pgd_t swapper_pg_dir[PTRS_PER_PGD] __attribute__((aligned(2 * PAGE_SIZE)));
uint64_t direct_map_end;
static uint64_t mapped_end;     /* RAM below this is mapped (ascending build) */

/* Table pages once the early pool is gone: memblock, below what the direct
 * map already covers, so the new page can be reached (and zeroed) at once. */
static phys_addr_t direct_map_pgt_alloc(void)
{
	return memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, mapped_end);
}

static int count_leaf(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	(void)addr, (void)next, (void)private;
	if (pxd_leaf(e))
		update_page_count(e.level, 1);
	return 0;
}

static const struct mm_walk_ops count_leaf_ops = { .entry = count_leaf };

/* Maps [start, end) (page-aligned RAM) in steps that end at 1 GiB
 * boundaries, advancing mapped_end after each. */
static __init void map_ram_range(pgd_t *pgd, uint64_t start, uint64_t end)
{
	/* LAB directmap BEGIN: map [start, end) at PAGE_OFFSET + start, largest leaves, 1 GiB steps */
	while (start < end) {
		uint64_t step_end = (start & PUD_MASK) + PUD_SIZE;

		if (step_end > end)
			step_end = end;
		if (map_kernel_range(pgd, PAGE_OFFSET + start, start, step_end - start, PAGE_KERNEL,
				     boot_cpu_has(X86_FEATURE_PDPE1GB)))
			panic("direct map: cannot map [mem 0x%016llx-0x%016llx]",
			      (unsigned long long)start, (unsigned long long)step_end - 1);
		/* count what was mapped, read back from the tables */
		walk_page_range(pgd, PAGE_OFFSET + start, PAGE_OFFSET + step_end,
				&count_leaf_ops, 0);
		/* memblock regions come in address order and gaps between them
		 * are not RAM: all RAM below step_end is mapped now */
		if (step_end > mapped_end) {
			mapped_end = step_end;
			pgtable_set_direct_map_end(mapped_end);
		}
		start = step_end;
	}
	/* LAB directmap STUB
	(void)pgd, (void)start, (void)end, (void)count_leaf_ops;
	lab_not_implemented("directmap", __func__);
	   LAB directmap END */
}

/* ACPI data and NVS ranges: mapped too (firmware tables are read through
 * the direct map later), page by page where usable RAM has not already
 * covered them. */
static __init void map_firmware_ram(pgd_t *pgd)
{
	/* LAB directmap BEGIN: map the ACPI data and NVS pages usable RAM did not cover */
	phys_addr_t s, t;
	enum pg_level level;
	uint32_t i;

	for_each_e820_range(i, E820_TYPE_MASK(E820_TYPE_ACPI) | E820_TYPE_MASK(E820_TYPE_NVS),
			    &s, &t)
		for (; s < t; s += PAGE_SIZE)
			if (!lookup_address_in_pgd(pgd, PAGE_OFFSET + s, &level))
				map_ram_range(pgd, s, s + PAGE_SIZE);
	/* LAB directmap STUB
	(void)pgd;
	lab_not_implemented("directmap", __func__);
	   LAB directmap END */
}

void __init init_mem_mapping(void)
{
	pgd_t *pgd = kernel_pgd();
	unsigned long tables = nr_pgtable_pages;

	pgtable_set_allocator(direct_map_pgt_alloc, 0);
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		uint64_t s = memblock.memory.regions[i].base;
		map_ram_range(pgd, s, s + memblock.memory.regions[i].size);
	}
	map_firmware_ram(pgd);
	direct_map_end = mapped_end;
	/* The kernel's own top-level table: the boot one's entries, all of
	 * them (the user half is empty), then CR3 moves. Every later PGD
	 * copies slots 256..511 from here. */
	memcpy(swapper_pg_dir, pgd, PAGE_SIZE);
	pgtable_set_kernel_pgd(swapper_pg_dir);
	write_cr3(__pa_symbol(swapper_pg_dir));
	pr_info("x86/mm: direct map at 0x%lx: %lu 1G + %lu 2M + %lu 4K pages, %lu table pages\n",
		PAGE_OFFSET, direct_pages_count[PG_LEVEL_1G], direct_pages_count[PG_LEVEL_2M],
		direct_pages_count[PG_LEVEL_4K],
		nr_pgtable_pages - tables);
	pr_info("x86/mm: CR3 = swapper_pg_dir (0x%llx)\n",
		(unsigned long long)__pa_symbol(swapper_pg_dir));
}

uint64_t virt_to_phys(const volatile void *addr)
{
	/* LAB directmap BEGIN: __pa of a direct-map address, checked */
	unsigned long va = (unsigned long)addr;

	if (va < PAGE_OFFSET || va - PAGE_OFFSET >= direct_map_end) {
		WARN_ON(1);
		pr_warn("virt_to_phys(%p): not a direct-map address\n", addr);
		return ~0ULL;
	}
	return __pa(va);
	/* LAB directmap STUB
	(void)addr;
	lab_not_implemented("directmap", __func__);
	return ~0ULL;
	   LAB directmap END */
}

void *phys_to_virt(uint64_t phys)
{
	/* LAB directmap BEGIN: __va of a physical address the direct map covers, checked */
	if (phys >= direct_map_end) {
		WARN_ON(1);
		pr_warn("phys_to_virt(%#llx): beyond the direct map (ends at %#llx)\n",
			(unsigned long long)phys, (unsigned long long)direct_map_end);
		return 0;
	}
	return __va(phys);
	/* LAB directmap STUB
	(void)phys;
	lab_not_implemented("directmap", __func__);
	return 0;
	   LAB directmap END */
}

/* The direct map's leaves by size, as /proc/meminfo's DirectMap lines. */
void direct_map_show(void)
{
	console_printf("DirectMap4k:  %8lu kB\nDirectMap2M:  %8lu kB\nDirectMap1G:  %8lu kB\n",
		       direct_pages_count[PG_LEVEL_4K] * 4, direct_pages_count[PG_LEVEL_2M] * 2048,
		       direct_pages_count[PG_LEVEL_1G] * 1048576);
}
