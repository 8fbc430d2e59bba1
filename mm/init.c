/* Memory set-up steps of start_kernel (mm/init.h). */
#include "mm/init.h"
#include "kernel/uaccess.h"
#include "mm/memblock.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pgalloc.h"
#include "mm/slab.h"
#include "kernel/boot_info.h"
#include "kernel/cmdline.h"
#include "kernel/e820.h"
#include "mm/pgtable.h"
#include "kernel/cpufeature.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/init.h"
#include "kernel/x86.h"
#include "kernel/types.h"

extern pgd_t early_top_pgt[512];

void __init zap_identity_mappings(void)
{
	/* With LA57 the boot PML5 (kernel_pgd()) has the identity slot too,
	 * and early_top_pgt's slot 0 would still map 0-4 GiB at
	 * 0xff80000000000000 through its slot 511: clear both. */
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++) {
		set_pgd(&early_top_pgt[i], __pgd(0));
		set_pgd(&kernel_pgd()[i], __pgd(0));
	}
	/* A CR3 write flushes every non-global TLB entry (SDM Vol. 3A
	 * 4.10.4.1); the identity map was never global, so this is enough. */
	write_cr3(read_cr3());
	pr_info("x86/mm: identity map of 0-4 GiB dropped; user half empty\n");
}

/* CR4.PGE always: kernel pages are global, so their TLB entries survive
 * the CR3 switches between processes (SDM Vol. 3A 4.10.2.4). SMEP and
 * SMAP when the CPU has them: ring 0 may then neither execute nor (outside
 * stac/clac) touch user pages (4.6). */
void __init cr4_init(void)
{
	unsigned long cr4 = read_cr4() | X86_CR4_PGE;

	if (boot_cpu_has(X86_FEATURE_SMEP))
		cr4 |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		cr4 |= X86_CR4_SMAP;
	write_cr4(cr4);
	uaccess_smap = cr4 & X86_CR4_SMAP;
	pr_info("x86/cpu: CR4.PGE on; SMEP %s; SMAP %s\n",
		cr4 & X86_CR4_SMEP ? "enabled" : "not supported",
		cr4 & X86_CR4_SMAP ? "enabled" : "not supported");
}

static unsigned long pages_between(const void *start, const void *end)
{
	return (PAGE_ALIGN((unsigned long)end) - (unsigned long)start) >> PAGE_SHIFT;
}

/* W^X for the kernel image: each section's rights (a section may be empty). */
static const struct {
	const char *name;
	char *start, *end;
	uint64_t set, clear;
} image_sections[] = {
	{ "text",      _text,           _etext,          0,        _PAGE_RW | _PAGE_NX },
	{ "rodata",    __start_rodata,  __end_rodata,    _PAGE_NX, _PAGE_RW },
	{ "init text", __init_begin,    __init_text_end, 0,        _PAGE_RW | _PAGE_NX },
	{ "init data", __init_text_end, __init_end,      _PAGE_NX, 0 },
	{ "data, bss", _sdata,          _end,            _PAGE_NX, 0 },
};

/* The image's RAM is mapped twice: at __START_KERNEL_map (the high
 * mapping) and in the direct map at PAGE_OFFSET + physical. A read-only
 * high mapping protects nothing while the alias stays writable, so text,
 * rodata and init text (the read-only sections, contiguous from _text)
 * become read-only there too, as Linux's set_memory_ro does for every
 * alias (cpa_process_alias). Only the leaves at the range's edges are
 * split, which costs a table page or two. */
static unsigned long kernel_alias(const void *high)
{
	return (unsigned long)__va(__pa_symbol(high));
}

static void __init protect_kernel_alias(pgd_t *pgd)
{
	unsigned long n = pages_between(_text, __init_text_end);
	unsigned long tables = nr_pgtable_pages;

	if (change_page_attr(pgd, kernel_alias(_text), n, 0, _PAGE_RW))
		panic("mark_rodata_ro: cannot write protect the direct-map alias of the image");
	pr_info("x86/mm: direct-map alias of text, rodata and init text read-only: 0x%lx-0x%lx, %lu table pages for splits\n",
		kernel_alias(_text), kernel_alias(_text) + n * PAGE_SIZE - 1, nr_pgtable_pages - tables);
}

/* Until now one RWX 2 MiB page maps the image. Split to 4 KiB pages and
 * give each section its own rights: text RX, rodata R+NX, data and bss
 * RW+NX. The rest of the last 2 MiB page (past _end) and the boot stack's
 * guard page are unmapped. Boot only. */
void __init mark_rodata_ro(void)
{
	unsigned long end = PAGE_ALIGN((unsigned long)_end);
	unsigned long end_2m = (end + PMD_SIZE - 1) & PMD_MASK;
	pgd_t *pgd = kernel_pgd();

	if (end_2m > end && unmap_kernel_range(pgd, end, end_2m - end))
		panic("mark_rodata_ro: cannot unmap the image's tail");
	for (unsigned int i = 0; i < ARRAY_SIZE(image_sections); i++) {
		unsigned long n = pages_between(image_sections[i].start, image_sections[i].end);

		if (n && change_page_attr(pgd, (unsigned long)image_sections[i].start, n,
					  image_sections[i].set, image_sections[i].clear))
			panic("mark_rodata_ro: cannot set the rights of %s", image_sections[i].name);
	}
	if (unmap_kernel_range(pgd, (unsigned long)boot_stack_guard, PAGE_SIZE))
		panic("mark_rodata_ro: cannot unmap the boot stack guard page");
	pr_info("Write protecting the kernel read-only data: %luk\n",
		(PAGE_ALIGN((unsigned long)__end_rodata) - (unsigned long)_text) >> 10);
	protect_kernel_alias(pgd);
}

/* memblock from the firmware map, then what the kernel already uses
 * reserved before anything is allocated: the first 1 MiB (real-mode and
 * BIOS data, the EBDA), the kernel image, the boot modules. Firmware
 * tables are their drivers' to reserve (acpi_reserve_initial_tables),
 * before memblock_print_setup.
 *
 * Allocations then go bottom-up from the image's end (Linux's bottom-up
 * mode), not top-down from the end of RAM: below 4 GiB the top of RAM is
 * where SeaBIOS relocated its init code and GRUB kept its modules, and
 * 1-2 MiB is where GRUB decompressed itself. Under QEMU TCG the first
 * writes to a page that code was translated from take the
 * self-modifying-code slow path: mem_map at 256 MiB took 20 ms there
 * against 1 ms just above the image. Boot only. */
void __init memblock_setup(void)
{
	memblock_reset();
	e820__memblock_setup();
	memblock_reserve(0, 0x100000);
	memblock_reserve(__pa_symbol(_text), PAGE_ALIGN((unsigned long)_end) - (unsigned long)_text);
	for (uint32_t i = 0; i < boot_info.nr_modules; i++)
		memblock_reserve(boot_info.modules[i].start,
				 boot_info.modules[i].end - boot_info.modules[i].start);
	memblock_set_bottom_up(true, __pa_symbol(_end));
}

/* The lists as Linux's memblock=debug shows them (with `memblock` on the
 * command line), then one line of totals. Boot, once every early
 * reservation is in. */
void __init memblock_print_setup(void)
{
	if (cmdline_find(boot_info.cmdline, "memblock", 0, 0))
		memblock_dump_all(printk);
	pr_info("memblock: %llu MiB of RAM, %llu KiB reserved, %llu MiB free\n",
		(unsigned long long)(memblock.memory.total_size >> 20),
		(unsigned long long)(memblock.reserved.total_size >> 10),
		(unsigned long long)(memblock_free_bytes() >> 20));
}

void free_initmem(void)
{
	unsigned long size = (unsigned long)(__init_end - __init_begin);

	if (!size)
		return;
	if (unmap_kernel_range(kernel_pgd(), (unsigned long)__init_begin, size)) {
		pr_warn("free_initmem: cannot unmap the init region; kept\n");
		return;
	}
	/* free pages are written through the direct map: init text's alias
	 * becomes writable again (it stays NX, as the whole direct map is) */
	if ((unsigned long)__init_text_end > (unsigned long)__init_begin &&
	    change_page_attr(kernel_pgd(), kernel_alias(__init_begin),
			     pages_between(__init_begin, __init_text_end), _PAGE_RW, 0))
		panic("free_initmem: cannot make the init text's alias writable");
	memblock_phys_free(__pa_symbol(__init_begin), size);
	if (mem_map)    /* the buddy allocator runs: the pages go to it */
		free_pages_range_core(PFN_DOWN(__pa_symbol(__init_begin)),
				      PFN_DOWN(__pa_symbol(__init_end)));
	pr_info("Freeing unused kernel image (initmem) memory: %luK\n", size >> 10);
}

/* Table pages once the buddy allocator runs: tagged PG_pgtable so a dump
 * of mem_map shows what they are. A table page still marked reserved came
 * from memblock before the switch: it is simply dropped, never freed. */
static phys_addr_t pgtable_alloc_buddy(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	if (!page)
		return 0;
	page->flags |= PG_pgtable;
	return PFN_PHYS(page_to_pfn(page));
}

static void pgtable_free_buddy(phys_addr_t pa)
{
	struct page *page = pfn_to_page(PFN_DOWN(pa));

	if (PFN_DOWN(pa) >= max_pfn || (page->flags & PG_reserved))
		return;
	page->flags &= ~PG_pgtable;
	__free_pages(page, 0);
}

/* Writes [pfn, start) reserved and [start, end) free; returns where the
 * next range starts. */
static unsigned long __init memmap_init_free(unsigned long pfn, unsigned long start,
					     unsigned long end)
{
	if (start >= end)
		return pfn;
	memmap_init_range(pfn, start);
	memmap_init_free_range(start, end);
	return end;
}

/* mem_map in one pass, lowest pfn first: Linux's memmap_init and
 * memblock_free_all together. Every page that is RAM and not reserved in
 * memblock (the gaps between reserved regions inside each memory region)
 * goes to the buddy allocator; every other page frame (reserved, a hole,
 * a partial page at a range's edge) is marked reserved. Each struct page
 * is written once: zeroing mem_map first, then marking every page
 * reserved, then handing the free ones over took three passes (and at
 * 8 GiB a pass over the 144 MiB map costs 30-50 ms under TCG). Then
 * memblock is frozen. */
static unsigned long __init memmap_init(unsigned long nr)
{
	unsigned long before = totalram_pages, pfn = 0;

	for (unsigned long m = 0; m < memblock.memory.cnt; m++) {
		phys_addr_t start = memblock.memory.regions[m].base;
		phys_addr_t end = start + memblock.memory.regions[m].size;

		for (unsigned long r = 0; r <= memblock.reserved.cnt && start < end; r++) {
			phys_addr_t rs = r < memblock.reserved.cnt ? memblock.reserved.regions[r].base : end;
			phys_addr_t re = r < memblock.reserved.cnt ? rs + memblock.reserved.regions[r].size : end;

			if (re <= start)
				continue;
			if (rs > start)
				pfn = memmap_init_free(pfn, PFN_UP(start), PFN_DOWN(min(rs, end)));
			start = max(re, start);
		}
	}
	memmap_init_range(pfn, nr);
	memblock.frozen = true;
	return totalram_pages - before;
}

/* struct page for every frame up to the end of RAM (the flat mem_map,
 * from memblock, not zeroed: memmap_init writes all of it), then memory
 * goes from memblock to the buddy allocator and page tables follow it. */
void __init mem_init(void)
{
	const struct memblock_region *last = &memblock.memory.regions[memblock.memory.cnt - 1];
	unsigned long nr = PFN_UP(last->base + last->size);
	struct page *map = memblock_alloc_raw((phys_addr_t)nr * sizeof(struct page), PAGE_SIZE);
	unsigned long freed;

	if (!map)
		panic("mem_init: no memory for mem_map (%lu pages, %lu KiB)", nr,
		      (unsigned long)(nr * sizeof(struct page)) >> 10);
	free_area_init(map, nr);
	freed = memmap_init(nr);
	pgtable_set_allocator(pgtable_alloc_buddy, pgtable_free_buddy);
	pr_info("Memory: %luK/%lluK available (%luK kernel code, %luK rwdata, %luK rodata, %luK mem_map, %lluK reserved)\n",
		freed << 2, (unsigned long long)(memblock.memory.total_size >> 10),
		(unsigned long)(_etext - _text) >> 10, (unsigned long)(_end - _sdata) >> 10,
		(unsigned long)(__end_rodata - __start_rodata) >> 10,
		(unsigned long)(nr * sizeof(struct page)) >> 10,
		(unsigned long long)((memblock.memory.total_size >> 10) - (freed << 2)));
}

/* /proc/meminfo's first lines, for what Carta counts. */
void meminfo_show(void)
{
	unsigned long total = memblock.memory.total_size >> 10;

	console_printf("MemTotal:       %8lu kB\n", total);
	console_printf("MemFree:        %8lu kB\n", nr_free_pages() << 2);
	console_printf("Reserved:       %8lu kB\n", total - (totalram_pages << 2));
	console_printf("PageTables:     %8lu kB\n", nr_pgtable_pages << 2);
	console_printf("Slab:           %8lu kB\n", slab_pages() << 2);
}
