/* initmm_pte (mm/tlb_demo.h): a PTE for a user address written into the
 * kernel's own table, swapper_pg_dir (Linux's init_mm.pgd), to show why
 * that cannot give a process anything. A process runs on its own PGD:
 * pgd_alloc copies only the kernel half, slots 256-511, and a context
 * switch loads that PGD into CR3 (kernel/sched.c), so the user half the
 * CPU walks is the process's, never swapper's. Kernel memory reaches user
 * space through the process's own tables (remap_pfn_range, mm/memory.c).
 *
 * The mapping lives until `initmm_pte clear`; the tables made for it are
 * remembered so that clearing leaves swapper's user half empty again. */
#include "mm/tlb_demo.h"
#include "mm/memory.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "mm/pgd.h"
#include "mm/pgtable.h"
#include "mm/tlb.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"

#define MARKER 0x5ca1ab1e00000000ULL

static struct {
	unsigned long uaddr;
	struct page *page;              /* NULL: nothing mapped */
} demo;

/* Frees swapper's user-half tables under slot's entry (the demo's chain
 * only: it made every table in it), then clears the entry. */
static void free_user_chain(unsigned int slot)
{
	pgd_t *pgd = kernel_pgd() + slot;
	uint64_t tables[3] = { 0 };
	struct pxd e = pxd_offset_pgd(kernel_pgd(), demo.uaddr);
	int n = 0;

	while (e.level > PG_LEVEL_4K && pxd_present(e) && !pxd_leaf(e) && n < 3) {
		tables[n++] = pxd_table_phys(e);
		e = pxd_offset(e, demo.uaddr);
		if (e.level == PG_LEVEL_NONE)
			break;
	}
	set_pgd(pgd, __pgd(0));
	__flush_tlb_all();      /* the user PTE was not global, but the walk caches too */
	while (n--)
		pgtable_free_page(tables[n]);
}

static uint64_t read_user(unsigned long uaddr)
{
	uint64_t v;

	if (uaccess_smap)       /* SMAP: a supervisor read of a U page needs EFLAGS.AC */
		asm volatile("stac" ::: "memory");
	v = *(volatile uint64_t *)uaddr;
	if (uaccess_smap)
		asm volatile("clac" ::: "memory");
	return v;
}

int init_mm_user_pte_map(unsigned long uaddr, uint64_t *marker)
{
	struct pgtable_alloc user_tables = { _PAGE_TABLE, 0 };
	unsigned int slot = pgd_index(uaddr);
	uint64_t swapper = __pa_symbol(kernel_pgd());
	enum pg_level level;
	unsigned long flags;
	struct pxd e;
	pgd_t *fresh;

	uaddr &= PAGE_MASK;
	if (!uaddr || uaddr >= TASK_SIZE_MAX || !pgd_none(kernel_pgd()[slot]))
		return -EINVAL;
	if (demo.page)
		return -EBUSY;
	demo.page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!demo.page)
		return -ENOMEM;
	demo.uaddr = uaddr;
	*marker = MARKER | page_to_pfn(demo.page);
	*(uint64_t *)page_address(demo.page) = *marker;
	e = pgtable_walk(kernel_pgd(), uaddr, PG_LEVEL_4K, &user_tables);
	if (e.level != PG_LEVEL_4K) {
		init_mm_user_pte_clear();
		return -ENOMEM;
	}
	set_pte(e.pte, pfn_pte(page_to_pfn(demo.page),
			       __pgprot(_PAGE_TABLE | _PAGE_NX)));      /* a user data page */
	console_printf("page phys 0x%llx holds 0x%016llx\n",
		       (unsigned long long)PFN_PHYS(page_to_pfn(demo.page)),
		       (unsigned long long)*marker);
	console_printf("PTE for 0x%lx written into swapper_pg_dir (init_mm.pgd, phys 0x%llx): PGD[%u] = 0x%016llx, PTE = 0x%016llx\n",
		       uaddr, (unsigned long long)swapper, slot,
		       (unsigned long long)pgd_val(kernel_pgd()[slot]),
		       (unsigned long long)pte_val(*e.pte));
	flags = local_irq_save();
	if ((read_cr3() & PHYSICAL_PAGE_MASK) != swapper)
		leave_mm();     /* the shell is a kernel thread: any CR3 will do */
	console_printf("read 0x%lx with CR3 = swapper_pg_dir (0x%llx): 0x%016llx\n", uaddr,
		       (unsigned long long)swapper, (unsigned long long)read_user(uaddr));
	local_irq_restore(flags);
	/* what every process gets instead: a PGD from pgd_alloc */
	fresh = pgd_alloc(0);
	if (fresh) {
		console_printf("a new process's PGD (pgd_alloc, phys 0x%llx): PGD[%u] = 0x%016llx, walk of 0x%lx: %s\n",
			       (unsigned long long)__pa(fresh), slot,
			       (unsigned long long)pgd_val(fresh[slot]), uaddr,
			       lookup_address_in_pgd(fresh, uaddr, &level) ? "mapped" : "not mapped");
		pgd_free(0, fresh);
	}
	console_printf("pgd_alloc copies slots %d-%d only; after a switch to a process, CR3 holds its PGD\n",
		       KERNEL_PGD_BOUNDARY, PTRS_PER_PGD - 1);
	return 0;
}

int init_mm_user_pte_clear(void)
{
	if (!demo.page)
		return -ENOENT;
	free_user_chain(pgd_index(demo.uaddr));
	__free_pages(demo.page, 0);
	demo.page = 0;
	return 0;
}
