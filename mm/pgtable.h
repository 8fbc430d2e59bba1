/* Typed page-table entries, the paging levels and the walk helpers,
 * Linux's names.
 *
 * A 48-bit virtual address splits as (SDM Vol. 3A 4.5, Figure 4-8):
 *
 *   63      48 47     39 38     30 29     21 20     12 11        0
 *  | sign ext |  PGD    |  PUD    |  PMD    |  PTE    |  offset   |
 *              pgd_index pud_index pmd_index pte_index
 *              (P4D)
 *
 * Each field indexes one table of 512 entries; an entry at PG_LEVEL_2M
 * maps (or points at the table for) 2 MiB, and so on (enum pg_level and
 * pg_level_info below: the one table of levels every walk uses). P4D is
 * folded (4-level paging): p4d_offset(pgd, va) is the pgd entry itself,
 * so code written pgd -> p4d -> pud -> pmd -> pte also runs when LA57
 * adds a level. Each level's entry is a one-member struct so the compiler
 * catches a pmd passed where a pte belongs.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <stdint.h>
#include <stdbool.h>
#include "mm/memlayout.h"

/* Entry bits, SDM Vol. 3A 4.5 Tables 4-14..4-20. */
#define _PAGE_BIT_PRESENT   0   /* maps something */
#define _PAGE_BIT_RW        1   /* writable */
#define _PAGE_BIT_USER      2   /* ring 3 may access */
#define _PAGE_BIT_PWT       3   /* page write-through */
#define _PAGE_BIT_PCD       4   /* page cache disable */
#define _PAGE_BIT_ACCESSED  5   /* set by the CPU on access */
#define _PAGE_BIT_DIRTY     6   /* set by the CPU on write (leaves only) */
#define _PAGE_BIT_PSE       7   /* in a PUD/PMD: this entry is a 1G/2M leaf */
#define _PAGE_BIT_PAT       7   /* in a PTE: the PAT index bit */
#define _PAGE_BIT_GLOBAL    8   /* survives CR3 reloads when CR4.PGE=1 */
#define _PAGE_BIT_PAT_LARGE 12  /* PAT bit of a 1G/2M leaf */
#define _PAGE_BIT_NX        63  /* no execute, when EFER.NXE=1 */

#define _PAGE_PRESENT   (1UL << _PAGE_BIT_PRESENT)
#define _PAGE_RW        (1UL << _PAGE_BIT_RW)
#define _PAGE_USER      (1UL << _PAGE_BIT_USER)
#define _PAGE_PWT       (1UL << _PAGE_BIT_PWT)
#define _PAGE_PCD       (1UL << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED  (1UL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY     (1UL << _PAGE_BIT_DIRTY)
#define _PAGE_PSE       (1UL << _PAGE_BIT_PSE)
#define _PAGE_PAT       (1UL << _PAGE_BIT_PAT)
#define _PAGE_GLOBAL    (1UL << _PAGE_BIT_GLOBAL)
#define _PAGE_PAT_LARGE (1UL << _PAGE_BIT_PAT_LARGE)
#define _PAGE_NX        (1UL << _PAGE_BIT_NX)

/* Bits 51..12 hold the physical frame (MAXPHYADDR <= 52). */
#define PHYSICAL_PAGE_MASK  0x000ffffffffff000UL
#define _KERNPG_TABLE       (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

#define PTRS_PER_PGD  512
#define PTRS_PER_P4D  1
#define PTRS_PER_PUD  512
#define PTRS_PER_PMD  512
#define PTRS_PER_PTE  512
#define PGDIR_SHIFT   39
#define P4D_SHIFT     39
#define PUD_SHIFT     30
#define PMD_SHIFT     21
#define PGDIR_SIZE    (1UL << PGDIR_SHIFT)
#define PUD_SIZE      (1UL << PUD_SHIFT)
#define PMD_SIZE      (1UL << PMD_SHIFT)
#define PUD_MASK      (~(PUD_SIZE - 1))
#define PMD_MASK      (~(PMD_SIZE - 1))
#define KERNEL_PGD_BOUNDARY 256     /* first kernel-half slot */
/* The user half ends where the first kernel slot's addresses would start
 * if they were not sign-extended: 0x0000800000000000. */
#define USER_PGTABLES_END   ((unsigned long)KERNEL_PGD_BOUNDARY << PGDIR_SHIFT)

/* Protections for kernel mappings (Linux's PAGE_KERNEL family). The cache
 * type comes from PWT/PCD with the power-on PAT: PCD|PWT = UC (SDM Vol. 3A
 * 11.12.3, Table 11-11); PAT is programmed in the ioremap issue. */
#define __PAGE_KERNEL      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
			    _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL_RO   (__PAGE_KERNEL & ~(_PAGE_RW | _PAGE_DIRTY))
#define __PAGE_KERNEL_NOCACHE (__PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)

typedef struct { uint64_t pgd; } pgd_t;
typedef struct { pgd_t pgd; } p4d_t;        /* folded: a p4d is its pgd */
typedef struct { uint64_t pud; } pud_t;
typedef struct { uint64_t pmd; } pmd_t;
typedef struct { uint64_t pte; } pte_t;
typedef struct { uint64_t pgprot; } pgprot_t;

#define __pgprot(v)          ((pgprot_t){ (v) })
#define PAGE_KERNEL          __pgprot(__PAGE_KERNEL)
#define PAGE_KERNEL_RO       __pgprot(__PAGE_KERNEL_RO)
#define PAGE_KERNEL_NOCACHE  __pgprot(__PAGE_KERNEL_NOCACHE)
#define PAGE_KERNEL_IO       PAGE_KERNEL_NOCACHE
#define PAGE_KERNEL_RX       __pgprot(__PAGE_KERNEL_RO & ~_PAGE_NX)
#define PAGE_KERNEL_EXEC     __pgprot(__PAGE_KERNEL & ~_PAGE_NX)
/* PSE set: for code that writes a 2 MiB/1 GiB leaf itself (map_kernel_range
 * takes 4 KiB-style prots and adds PSE where it chooses a large leaf). */
#define PAGE_KERNEL_LARGE    __pgprot(__PAGE_KERNEL | _PAGE_PSE)

static inline uint64_t pgprot_val(pgprot_t p) { return p.pgprot; }
static inline uint64_t pgd_val(pgd_t e) { return e.pgd; }
static inline uint64_t p4d_val(p4d_t e) { return e.pgd.pgd; }
static inline uint64_t pud_val(pud_t e) { return e.pud; }
static inline uint64_t pmd_val(pmd_t e) { return e.pmd; }
static inline uint64_t pte_val(pte_t e) { return e.pte; }
static inline pgd_t __pgd(uint64_t v) { return (pgd_t){ v }; }
static inline p4d_t __p4d(uint64_t v) { return (p4d_t){ __pgd(v) }; }
static inline pud_t __pud(uint64_t v) { return (pud_t){ v }; }
static inline pmd_t __pmd(uint64_t v) { return (pmd_t){ v }; }
static inline pte_t __pte(uint64_t v) { return (pte_t){ v }; }

/* --- the paging levels --------------------------------------------------
 * Linux's enum pg_level: one value per level of entries, named by what one
 * entry spans. pg_level_info is the one table of shifts and names that
 * every walk (mm/pagewalk.c), ptdump, translate and the oops line use.
 * With 4 levels the top entry is the PG_LEVEL_512G one: the PGD entry,
 * with the P4D folded into it. PG_LEVEL_256T is 5-level paging's PGD
 * entry (LA57, SDM Vol. 3A 4.5.1), not used yet. */
enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,            /* PTE: a 4 KiB leaf */
	PG_LEVEL_2M,            /* PMD: a 2 MiB leaf or a PTE table */
	PG_LEVEL_1G,            /* PUD: a 1 GiB leaf or a PMD table */
	PG_LEVEL_512G,          /* P4D (the PGD at 4 levels): a PUD table */
	PG_LEVEL_256T,          /* PGD at 5 levels: a P4D table */
	PG_LEVEL_NUM
};

struct pg_level_info {
	unsigned int shift;     /* the index of this level starts at va bit `shift` */
	const char *name;       /* the entry's name, as Linux prints it */
};

static const struct pg_level_info pg_level_info[PG_LEVEL_NUM] = {
	[PG_LEVEL_4K]   = { PAGE_SHIFT, "PTE" },
	[PG_LEVEL_2M]   = { PMD_SHIFT, "PMD" },
	[PG_LEVEL_1G]   = { PUD_SHIFT, "PUD" },
	[PG_LEVEL_512G] = { P4D_SHIFT, "P4D" },
	[PG_LEVEL_256T] = { P4D_SHIFT + 9, "PGD" },
};

static inline unsigned int page_level_shift(enum pg_level level)
{
	return pg_level_info[level].shift;
}
static inline unsigned long page_level_size(enum pg_level level)
{
	return 1UL << page_level_shift(level);
}
static inline unsigned long page_level_mask(enum pg_level level)
{
	return ~(page_level_size(level) - 1);
}

/* 5-level paging (CR4.LA57) is off: the one place that will check it at
 * run time. The walk starts at pgtable_top_level() and goes down; the
 * levels below the top are the same with 4 or 5 levels. */
static inline bool pgtable_l5_enabled(void) { return false; }
static inline enum pg_level pgtable_top_level(void)
{
	return pgtable_l5_enabled() ? PG_LEVEL_256T : PG_LEVEL_512G;
}

/* The top entry is always called the PGD, whatever level it is. */
static inline const char *pg_level_name(enum pg_level level)
{
	return level == pgtable_top_level() ? "PGD" : pg_level_info[level].name;
}

static inline unsigned long pgd_index(unsigned long va) { return (va >> PGDIR_SHIFT) & 511; }
static inline unsigned long pud_index(unsigned long va) { return (va >> PUD_SHIFT) & 511; }
static inline unsigned long pmd_index(unsigned long va) { return (va >> PMD_SHIFT) & 511; }
static inline unsigned long pte_index(unsigned long va) { return (va >> PAGE_SHIFT) & 511; }

static inline bool pgd_none(pgd_t e)    { return !pgd_val(e); }
static inline bool pgd_present(pgd_t e) { return pgd_val(e) & _PAGE_PRESENT; }
static inline bool p4d_none(p4d_t e)    { return !p4d_val(e); }
static inline bool p4d_present(p4d_t e) { return p4d_val(e) & _PAGE_PRESENT; }
static inline bool pud_none(pud_t e)    { return !pud_val(e); }
static inline bool pud_present(pud_t e) { return pud_val(e) & _PAGE_PRESENT; }
static inline bool pud_leaf(pud_t e)    { return pud_present(e) && (pud_val(e) & _PAGE_PSE); }
static inline bool pmd_none(pmd_t e)    { return !pmd_val(e); }
static inline bool pmd_present(pmd_t e) { return pmd_val(e) & _PAGE_PRESENT; }
static inline bool pmd_leaf(pmd_t e)    { return pmd_present(e) && (pmd_val(e) & _PAGE_PSE); }
static inline bool pte_none(pte_t e)    { return !pte_val(e); }
static inline bool pte_present(pte_t e) { return pte_val(e) & _PAGE_PRESENT; }

/* Physical address of the next-level table (or of a leaf's frame). */
static inline uint64_t pgd_table_phys(pgd_t e) { return pgd_val(e) & PHYSICAL_PAGE_MASK; }
static inline uint64_t p4d_table_phys(p4d_t e) { return p4d_val(e) & PHYSICAL_PAGE_MASK; }
static inline uint64_t pud_table_phys(pud_t e) { return pud_val(e) & PHYSICAL_PAGE_MASK; }
static inline uint64_t pmd_table_phys(pmd_t e) { return pmd_val(e) & PHYSICAL_PAGE_MASK; }
static inline unsigned long pte_pfn(pte_t e)   { return (pte_val(e) & PHYSICAL_PAGE_MASK) >> PAGE_SHIFT; }
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((uint64_t)pfn << PAGE_SHIFT & PHYSICAL_PAGE_MASK) | pgprot_val(prot));
}
static inline unsigned long pmd_pfn(pmd_t e) { return (pmd_val(e) & PHYSICAL_PAGE_MASK & PMD_MASK) >> PAGE_SHIFT; }
static inline unsigned long pud_pfn(pud_t e) { return (pud_val(e) & PHYSICAL_PAGE_MASK & PUD_MASK) >> PAGE_SHIFT; }
/* The only stores to a live entry: one 64-bit write, which the CPU's walk
 * sees whole (SDM Vol. 3A 8.1.1: aligned quadword writes are atomic). */
#ifndef HOST_TEST
/* PTI (mm/pti.c): a user-half entry of a process's PGD goes to its user
 * table too (Linux's pti_set_user_pgtbl, called from native_set_pgd). */
void pti_set_user_pgtbl(pgd_t *pgdp, pgd_t pgd);
#else
static inline void pti_set_user_pgtbl(pgd_t *pgdp, pgd_t pgd) { (void)pgdp, (void)pgd; }
#endif
static inline void set_pgd(pgd_t *pgdp, pgd_t pgd)
{
	*(volatile uint64_t *)&pgdp->pgd = pgd_val(pgd);
	pti_set_user_pgtbl(pgdp, pgd);
}
static inline void set_p4d(p4d_t *p4dp, p4d_t p4d) { set_pgd(&p4dp->pgd, p4d.pgd); }
static inline void set_pud(pud_t *pudp, pud_t pud) { *(volatile uint64_t *)&pudp->pud = pud_val(pud); }
static inline void set_pte(pte_t *ptep, pte_t pte) { *(volatile uint64_t *)&ptep->pte = pte_val(pte); }
static inline void set_pmd(pmd_t *pmdp, pmd_t pmd) { *(volatile uint64_t *)&pmdp->pmd = pmd_val(pmd); }

/* Where a table page at physical `pa` can be read from now; NULL if no
 * mapping of it exists yet. Before the direct map only the kernel image
 * (which holds the early tables) is mapped. */
void *pgtable_phys_to_virt(uint64_t pa);

/* One step of the walk: each returns a pointer to the entry for va in the
 * table below `e`, or NULL if that table is not reachable (see
 * pgtable_phys_to_virt). The walks themselves are in mm/pagewalk.h. */
static inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long va) { return pgd + pgd_index(va); }
/* Folded: the P4D entry is the PGD entry (with LA57, an index into the
 * P4D table the PGD entry points at). */
static inline p4d_t *p4d_offset(pgd_t *pgd, unsigned long va) { (void)va; return (p4d_t *)pgd; }
static inline pud_t *pud_offset(p4d_t *p4d, unsigned long va)
{
	pud_t *t = pgtable_phys_to_virt(p4d_table_phys(*p4d));
	return t ? t + pud_index(va) : 0;
}
static inline pmd_t *pmd_offset(pud_t *pud, unsigned long va)
{
	pmd_t *t = pgtable_phys_to_virt(pud_table_phys(*pud));
	return t ? t + pmd_index(va) : 0;
}
static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long va)
{
	pte_t *t = pgtable_phys_to_virt(pmd_table_phys(*pmd));
	return t ? t + pte_index(va) : 0;
}

/* --- the page-table core (mm/pgtable.c) ---------------------------------
 * All take the top-level table to work on, so the same code builds
 * swapper_pg_dir and edits any other; all kernel-half only. Table pages
 * come from pgtable_alloc_page (mm/pgalloc.h). Callers serialize (boot is
 * single-threaded; later, under the kernel page-table lock). */

/* Maps [va, va+size) to [pa, pa+size) with prot, using the largest leaf
 * that alignment allows at each step: 1 GiB (if allow_1g, i.e. CPUID
 * pdpe1gb), 2 MiB, else 4 KiB. va, pa and size must be page-aligned and
 * the range must be unmapped. 0, -EINVAL (bad arguments), -EBUSY (already
 * mapped) or -ENOMEM (no table page); on error nothing stays mapped. */
int map_kernel_range(pgd_t *pgd, unsigned long va, uint64_t pa, unsigned long size,
		     pgprot_t prot, bool allow_1g);

/* Unmaps [va, va+size) (page-aligned), splitting large leaves that only
 * partly overlap, freeing every PMD and PTE page that becomes empty (PUD
 * pages stay: their top-level entries are shared), then flushing the
 * range. 0 or -ENOMEM (a needed split failed: nothing unmapped). Unmapped
 * holes inside the range are fine. */
int unmap_kernel_range(pgd_t *pgd, unsigned long va, unsigned long size);

/* Replaces the large leaf mapping va at `level` (PG_LEVEL_1G or _2M) by a
 * table of 512 leaves one size down with the same attributes. 0,
 * -EINVAL (no such leaf) or -ENOMEM. Flushes the old translation. */
int split_large_page(pgd_t *pgd, unsigned long va, enum pg_level level);

/* The direct map's leaves by level (Linux's direct_pages_count): the
 * direct-map builder adds what it maps, split_large_page moves a split
 * leaf's count one level down. */
extern unsigned long direct_pages_count[PG_LEVEL_NUM];
void update_page_count(enum pg_level level, long pages);

/* The leaf entry mapping va (cast to pte_t *, as Linux does for large
 * leaves) and its level; NULL with *level = PG_LEVEL_NONE if unmapped. */
pte_t *lookup_address_in_pgd(pgd_t *pgd, unsigned long va, enum pg_level *level);

/* Change-page-attribute: sets `set` and clears `clear` in the leaves
 * mapping [va, va + npages pages), splitting large leaves the range only
 * partly covers, then flushes. 0, -EINVAL (part of the range unmapped:
 * nothing changed) or -ENOMEM. */
int change_page_attr(pgd_t *pgd, unsigned long va, unsigned long npages,
		     uint64_t set, uint64_t clear);

/* The kernel's top-level table (early_top_pgt now, swapper_pg_dir later). */
pgd_t *kernel_pgd(void);
pte_t *lookup_address(unsigned long va, enum pg_level *level);
int set_memory_ro(unsigned long va, unsigned long npages);
int set_memory_rw(unsigned long va, unsigned long npages);
int set_memory_nx(unsigned long va, unsigned long npages);
int set_memory_x(unsigned long va, unsigned long npages);

/* The top-level table CR3 points at now (SDM 3A 4.5: CR3[51:12]). */
pgd_t *current_pgd(void);

/* --- printing the tables (mm/ptdump.c) ---------------------------------- */

/* Prints the ranges of pgd at or above `from` (`ptdump`, `ptdump kernel`). */
void ptdump_walk_pgd(pgd_t *pgd, unsigned long from);
/* A process's user half, its kernel half's top-level slots against
 * swapper_pg_dir's, then its kernel half (`ptdump user PID`). */
void ptdump_walk_user(pgd_t *pgd);
/* `translate VADDR`: va's indices, each level's entry through the current
 * CR3, then the physical address or why the walk stopped. */
void ptdump_translate(unsigned long va);

/* The attribute words Linux's ptdump prints for an entry value. */
const char *pgprot_str(uint64_t v, bool leaf_large, char *buf, unsigned int len);

/* Prints Linux's walk line, "PGD 1234067 P4D 1234067 PUD ... PMD ... PTE ...",
 * for the current CR3, stopping at the first entry that is absent or a leaf. */
void dump_pagetable(unsigned long address);

#endif
