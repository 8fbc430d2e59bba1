/* vmalloc, vmap and the vmalloc range's page tables (mm/vmalloc.h). The
 * addresses come from the area allocator (mm/vmap_area.c), the pages from
 * the buddy allocator one at a time, the mappings from the page-table core
 * (mm/pgtable.c) in swapper_pg_dir. */
#include "mm/vmalloc.h"
#include "mm/vmap_area.h"
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/pat.h"
#include "kernel/kallsyms.h"
#include "kernel/lab.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

static struct vmap_space vmap_space;
static struct kmem_cache *vmap_area_cachep;

struct vmap_area *vmap_area_node_alloc(void)
{
	return kmem_cache_alloc(vmap_area_cachep, GFP_KERNEL);
}

void vmap_area_node_free(struct vmap_area *va)
{
	kmem_cache_free(vmap_area_cachep, va);
}

/* Every top-level entry of the vmalloc range gets the table below it now,
 * before any process copies the kernel half of the PGD: from then on a
 * vmalloc or ioremap changes only entries below the top level, which every
 * process sees at once (Linux's preallocate_vmalloc_pages). That table is
 * a PUD page with 4 levels and a P4D page with 5 (SDM Vol. 3A 4.5: the
 * PML5 entry points to a PML4 table): 64 or 50 pages, 256 or 200 KiB.
 * unmap_kernel_range never frees them, so they stay. */
static void preallocate_vmalloc_pages(void)
{
	unsigned long n = 0;
	const struct pgtable_alloc counted = { _KERNPG_TABLE, &n };
	/* a walk down to an entry of that table allocates the table if missing */
	enum pg_level lvl = pgtable_l5_enabled() ? PG_LEVEL_512G : PG_LEVEL_1G;

	for (unsigned long addr = VMALLOC_START; addr - 1 < VMALLOC_END; addr += PGDIR_SIZE)
		if (pgtable_walk(kernel_pgd(), addr, lvl, &counted).level != lvl)
			panic("preallocate_vmalloc_pages: out of memory");
	pr_info("vmalloc: %#lx-%#lx, PGD slots %lu-%lu, %lu %s pages preallocated (%lu KiB)\n",
		VMALLOC_START, VMALLOC_END, pgd_index(VMALLOC_START), pgd_index(VMALLOC_END), n,
		pgtable_l5_enabled() ? "P4D" : "PUD", n * 4);
}

void vmalloc_init(void)
{
	preallocate_vmalloc_pages();
	vmap_area_cachep = kmem_cache_create("vmap_area", sizeof(struct vmap_area), 0, 0);
	if (!vmap_area_cachep || vmap_space_init(&vmap_space, VMALLOC_START, VMALLOC_END + 1))
		panic("vmalloc_init: out of memory");
	memtype_reserve_boot_mappings();
}

struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned long align,
				       unsigned long flags, const void *caller)
{
	unsigned long total = PAGE_ALIGN(size);
	struct vmap_area *va;
	struct vm_struct *vm;

	/* LAB vmalloc BEGIN: one unmapped guard page after the area, unless VM_NO_GUARD */
	if (!(flags & VM_NO_GUARD))
		total += PAGE_SIZE;
	/* LAB vmalloc STUB
	lab_not_implemented("vmalloc", __func__);
	   LAB vmalloc END */

	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	/* An ioremap is aligned to its size, up to 2 MiB, so a large one of
	 * 2 MiB-aligned device memory gets 2 MiB leaves and few PTE pages
	 * (Linux's IOREMAP_MAX_ORDER rule). */
	while ((flags & VM_IOREMAP) && align < PMD_SIZE && align < size)
		align <<= 1;
	if (!size || PAGE_ALIGN(size) < size || total < size || (align & (align - 1))) {
		pr_warn("get_vm_area(%#lx, align %#lx): bad size or alignment\n", size, align);
		return 0;
	}
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return 0;
	va = alloc_vmap_area(&vmap_space, total, align);
	if (!va) {
		pr_warn("vmap allocation for size %lu failed: no free range of that size\n", total);
		kfree(vm);
		return 0;
	}
	*vm = (struct vm_struct){ .addr = (void *)va->va_start, .size = total, .flags = flags,
				  .caller = caller };
	va->vm = vm;
	return vm;
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area(&vmap_space, (unsigned long)addr);

	return va ? va->vm : 0;
}

struct vm_struct *remove_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area(&vmap_space, (unsigned long)addr);
	struct vm_struct *vm;

	if (!va || va->va_start != (unsigned long)addr)
		return 0;
	vm = va->vm;
	/* LAB vmalloc BEGIN: unmap the area's pages and flush their TLB entries */
	/* flushes just this range: INVLPG per page up to the ceiling, else a
	 * full flush (mm/tlb.h; SDM Vol. 3A 4.10.4.1) */
	unmap_kernel_range(kernel_pgd(), va->va_start, get_vm_area_size(vm));
	/* LAB vmalloc STUB
	lab_not_implemented("vmalloc", __func__);
	   LAB vmalloc END */
	free_vmap_area(&vmap_space, va);
	return vm;
}

int vmap_pages_range(unsigned long addr, struct page **pages, unsigned int n, pgprot_t prot)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = map_kernel_range(kernel_pgd(), addr + i * PAGE_SIZE,
					   PFN_PHYS(page_to_pfn(pages[i])), PAGE_SIZE, prot, false);
		if (ret) {
			if (i)
				unmap_kernel_range(kernel_pgd(), addr, i * PAGE_SIZE);
			return ret;
		}
	}
	return 0;
}

static void free_vm_pages(struct page **pages, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	kfree(pages);
}

/* VM_GUARD_BELOW (kernel stacks): the area's first page stays unmapped
 * too, so the pages sit between two guard pages. */
void *__vmalloc_node_range(unsigned long size, unsigned long align, pgprot_t prot,
			   unsigned long vm_flags, const void *caller)
{
	unsigned long below = vm_flags & VM_GUARD_BELOW ? PAGE_SIZE : 0;
	unsigned long n = PAGE_ALIGN(size) >> PAGE_SHIFT, got = 0;
	struct vm_struct *vm;
	struct page **pages;

	if (!size || PAGE_ALIGN(size) < size || n > totalram_pages || !n) {
		pr_warn("vmalloc error: size %lu, more than the machine's %lu pages or none\n",
			size, totalram_pages);
		return 0;
	}
	vm = __get_vm_area_caller(n * PAGE_SIZE + below, align, VM_ALLOC | vm_flags, caller);
	if (!vm)
		return 0;
	pages = kmalloc(n * sizeof(*pages), GFP_KERNEL);
	while (pages && got < n && (pages[got] = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0)))
		got++;
	if (got < n || vmap_pages_range((unsigned long)vm->addr + below, pages, n, prot)) {
		pr_warn("vmalloc error: size %lu, failed to allocate pages\n", size);
		if (pages)
			free_vm_pages(pages, got);
		kfree(remove_vm_area(vm->addr));
		return 0;
	}
	vm->pages = pages;
	vm->nr_pages = n;
	return (char *)vm->addr + below;
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, PAGE_KERNEL, 0, __builtin_return_address(0));
}

/* vmalloc's pages come zeroed already (__GFP_ZERO): nothing stale leaks
 * through a new mapping. */
void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, PAGE_KERNEL, 0, __builtin_return_address(0));
}

/* The live area starting at addr with one of `flags`, or NULL after one
 * line naming fn and what addr is instead. */
static struct vm_struct *area_to_free(const char *fn, const void *addr, unsigned long flags)
{
	struct vm_struct *vm = find_vm_area(addr);

	if (!vm || vm->addr != addr) {
		pr_err("Trying to %s() nonexistent vm area (%p)\n", fn, addr);
		return 0;
	}
	if (!(vm->flags & flags)) {
		pr_err("%s(%p): a%s area, not %s's\n", fn, addr,
		       vm->flags & VM_IOREMAP ? "n ioremap" : vm->flags & VM_MAP ? " vmap" :
		       " vmalloc", fn);
		return 0;
	}
	return vm;
}

void vfree(const void *addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = area_to_free("vfree", addr, VM_ALLOC);
	if (!vm)
		return;
	remove_vm_area(addr);
	free_vm_pages(vm->pages, vm->nr_pages);
	kfree(vm);
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vm_struct *vm;

	if (!count || count > totalram_pages)
		return 0;
	vm = __get_vm_area_caller((unsigned long)count * PAGE_SIZE, PAGE_SIZE, flags | VM_MAP,
				  __builtin_return_address(0));
	if (!vm)
		return 0;
	if (vmap_pages_range((unsigned long)vm->addr, pages, count, prot)) {
		kfree(remove_vm_area(vm->addr));
		return 0;
	}
	return vm->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct *vm = addr ? area_to_free("vunmap", addr, VM_MAP) : 0;

	if (vm)
		kfree(remove_vm_area(addr));
}

struct page *vmalloc_to_page(const void *addr)
{
	enum pg_level level;
	pte_t *pte;

	if (!is_vmalloc_addr(addr))
		return 0;
	pte = lookup_address((unsigned long)addr, &level);
	if (!pte || level != PG_LEVEL_4K || pte_pfn(*pte) >= max_pfn)
		return 0;       /* unmapped, or not RAM (an ioremap of a device) */
	return pfn_to_page(pte_pfn(*pte));
}

unsigned long vmap_nr_areas(void)
{
	return vmap_space.nr_busy;
}

/* Linux's /proc/vmallocinfo line (mm/vmalloc.c s_show):
 * "0x<start>-0x<end> <size> <caller> pages=N phys=<pa> ioremap|vmalloc|vmap" */
struct vmallocinfo_out {
	int (*out)(const char *fmt, ...);
};

static void show_area(struct vmap_area *va, void *arg)
{
	const struct vm_struct *v = va->vm;
	char sym[KSYM_NAME_LEN + 32] = "", pages[24] = "", phys[32] = "";

	if (v->caller)
		sprint_symbol(sym, sizeof(sym), (unsigned long)v->caller);
	if (v->nr_pages)
		snprintf(pages, sizeof(pages), " pages=%u", v->nr_pages);
	if (v->phys_addr)
		snprintf(phys, sizeof(phys), " phys=0x%016llx", (unsigned long long)v->phys_addr);
	((struct vmallocinfo_out *)arg)->out("0x%016lx-0x%016lx %7lu %s%s%s%s%s%s\n",
		(unsigned long)v->addr, (unsigned long)v->addr + v->size, v->size, sym, pages, phys,
		v->flags & VM_IOREMAP ? " ioremap" : "", v->flags & VM_ALLOC ? " vmalloc" : "",
		v->flags & VM_MAP ? " vmap" : "");
}

void vmallocinfo_print(int (*out)(const char *fmt, ...))
{
	struct vmallocinfo_out o = { out };

	vmap_for_each_busy(&vmap_space, show_area, &o);
}
