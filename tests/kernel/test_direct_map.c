/* The direct map, checked through a second mapping of the same memory
 * (the kernel image's alias) and against memblock's and the firmware's
 * view of RAM. */
#include "tests/kernel/ktest.h"
#include "kernel/boot_info.h"
#include "kernel/cpufeature.h"
#include "kernel/init.h"
#include "kernel/sections.h"
#include "kernel/x86.h"
#include "kernel/types.h"
#include "mm/direct_map.h"
#include "mm/memblock.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

KTEST(direct_map, write_direct_read_image_alias)
{
	static volatile uint64_t cell;       /* in the image: two mappings */
	volatile uint64_t *alias = __va(__pa_symbol(&cell));

	*alias = 0x5eed5eed12345678ULL;
	KUNIT_EXPECT_EQ(test, cell, 0x5eed5eed12345678ULL);
	cell = 42;
	KUNIT_EXPECT_EQ(test, *alias, 42);
	KUNIT_EXPECT_EQ(test, virt_to_phys(alias), __pa_symbol(&cell));
}

KTEST(direct_map, va_pa_round_trip_at_every_ram_boundary)
{
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		uint64_t s = memblock.memory.regions[i].base;
		uint64_t e = s + memblock.memory.regions[i].size - 1;
		volatile uint8_t *first = phys_to_virt(s), *last = phys_to_virt(e);

		KUNIT_EXPECT_EQ(test, __pa(first), s);
		KUNIT_EXPECT_EQ(test, __pa(last), e);
		KUNIT_EXPECT_EQ(test, (unsigned long)__va(__pa(last)), (unsigned long)last);
		(void)*first;   /* readable: a missing mapping would oops here */
		(void)*last;
	}
}

/* Every usable e820 byte (page-trimmed) is mapped RW+NX+global through the
 * direct map; the page just past the last RAM is not. */
KTEST(direct_map, ram_mapped_nx_global_and_holes_not)
{
	enum pg_level level;
	int checked = 0;

	for (uint32_t i = 0; i < boot_info.nr_e820; i++) {
		const struct e820_entry *e = &boot_info.e820[i];
		uint64_t s = PAGE_ALIGN(e->addr), t = (e->addr + e->size) & PAGE_MASK;
		pte_t *leaf;

		if (e->type != E820_TYPE_RAM || s >= t)
			continue;
		for (uint64_t pa = s; pa < t; pa += (t - s) / 4 > PAGE_SIZE ? ((t - s) / 4) & PAGE_MASK : PAGE_SIZE) {
			leaf = lookup_address(PAGE_OFFSET + pa, &level);
			KUNIT_EXPECT_TRUE(test, leaf != 0);
			if (leaf)
				KUNIT_EXPECT_EQ(test, pte_val(*leaf) & (_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL),
						_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
			checked++;
		}
	}
	KUNIT_EXPECT_TRUE(test, checked > 2);
	KUNIT_EXPECT_TRUE(test, lookup_address(PAGE_OFFSET + direct_map_end, &level) == 0);
	/* 0xfee00000, the LAPIC: MMIO, never in the direct map */
	KUNIT_EXPECT_TRUE(test, lookup_address(PAGE_OFFSET + 0xfee00000UL, &level) == 0);
}

/* The leaf the direct map should use for physical pa, derived from the
 * memory map alone: the largest size the CPU offers whose aligned block
 * around pa lies inside one RAM region and has no edge of the read-only
 * image alias inside it (mark_rodata_ro split those). 0 if pa is not RAM. */
static enum pg_level expected_level(uint64_t pa)
{
	static const uint64_t size[] = { [PG_LEVEL_4K] = PAGE_SIZE, [PG_LEVEL_2M] = PMD_SIZE,
					 [PG_LEVEL_1G] = PUD_SIZE };
	const uint64_t edges[] = { __pa_symbol(_text), __pa_symbol(PAGE_ALIGN((unsigned long)__init_text_end)) };

	for (enum pg_level l = PG_LEVEL_1G; l >= PG_LEVEL_4K; l--) {
		uint64_t s = pa & ~(size[l] - 1), e = s + size[l];
		bool fits = false;

		if (l == PG_LEVEL_1G && !boot_cpu_has(X86_FEATURE_PDPE1GB))
			continue;
		for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
			uint64_t rs = memblock.memory.regions[i].base;

			fits |= rs <= s && e <= rs + memblock.memory.regions[i].size;
		}
		for (unsigned int k = 0; k < 2; k++)
			fits &= !(s < edges[k] && edges[k] < e);
		if (fits)
			return l;
	}
	return PG_LEVEL_NONE;
}

/* Every RAM region probed at its first, middle and last page, and each
 * GiB boundary inside RAM: the live leaf is the one the memory map says. */
KTEST(direct_map, largest_pages_the_cpu_allows)
{
	int checked = 0;

	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		uint64_t s = memblock.memory.regions[i].base;
		uint64_t e = s + memblock.memory.regions[i].size;
		uint64_t probes[] = { s, (s + (e - s) / 2) & PAGE_MASK, e - PAGE_SIZE,
				      (s + PUD_SIZE - 1) & PUD_MASK };

		for (unsigned int k = 0; k < ARRAY_SIZE(probes); k++) {
			enum pg_level level, want = expected_level(probes[k]);

			if (probes[k] >= e || want == PG_LEVEL_NONE)
				continue;
			KUNIT_EXPECT_TRUE(test, lookup_address(PAGE_OFFSET + probes[k], &level) != 0);
			KUNIT_EXPECT_EQ(test, level, want);
			checked++;
		}
	}
	KUNIT_EXPECT_TRUE(test, checked >= 3);
}

KTEST(direct_map, cr3_is_swapper_and_shares_the_kernel_half)
{
	extern pgd_t early_top_pgt[], early_top_pgt5[];
	/* the boot table at the top level CR3 used (la57: the PML5) */
	pgd_t *boot = pgtable_l5_enabled() ? early_top_pgt5 : early_top_pgt;

	KUNIT_EXPECT_EQ(test, read_cr3() & PHYSICAL_PAGE_MASK, __pa_symbol(swapper_pg_dir));
	/* the vmalloc range's slots got their PUD pages in swapper_pg_dir only
	 * (mm/vmalloc.c), and so did the cpu_entry_area's with 4 levels (with
	 * 5 it is under slot 511, the kernel image's); every other kernel slot
	 * is the early table's */
	for (int i = KERNEL_PGD_BOUNDARY; i < PTRS_PER_PGD; i++)
		if ((i >= (int)pgd_index(VMALLOC_START) && i <= (int)pgd_index(VMALLOC_END)) ||
		    (!pgtable_l5_enabled() && i == (int)pgd_index(CPU_ENTRY_AREA_BASE)))
			KUNIT_EXPECT_TRUE(test, pgd_present(swapper_pg_dir[i]) &&
					  pgd_none(boot[i]));
		else if (pgd_val(swapper_pg_dir[i]) != pgd_val(boot[i]))
			KUNIT_EXPECT_EQ(test, pgd_val(swapper_pg_dir[i]), pgd_val(boot[i]));
}
