/* Memory set-up steps of start_kernel. */
#ifndef MM_INIT_H
#define MM_INIT_H

/* Clears the boot identity map (early_top_pgt slot 0) and flushes the TLB.
 * After it, nothing in the user half is mapped: physical memory is reached
 * only through kernel-half mappings. Boot only, interrupts off. */
void zap_identity_mappings(void);

/* Builds memblock from the firmware map (e820__memblock_setup) and
 * reserves what the kernel uses (first 1 MiB, kernel image, modules).
 * Boot only; firmware tables are reserved after it by their drivers. */
void memblock_setup(void);
/* Then: the lists (`memblock` on the command line) and one line of totals. */
void memblock_print_setup(void);

/* mem_map from memblock, every free page to the buddy allocator, each
 * struct page written once (memmap_init; memblock then refuses), page
 * tables from the buddy allocator from here on. Boot only, after the
 * direct map. */
void mem_init(void);

/* CR4.PGE, and SMEP/SMAP where the CPU has them. Boot only. */
void cr4_init(void);

/* The kernel image W^X: text RX, rodata R+NX, data/bss RW+NX, 4 KiB pages;
 * text and rodata read-only in the direct map too; unmaps the boot stack's
 * guard page. Boot only, after which ptdump_check_wx() and
 * ptdump_check_aliases() must pass. */
void mark_rodata_ro(void);

/* Walks the kernel half; prints Linux's "x86/mm: Checked W+X mappings:
 * passed, no W+X pages found." (or FAILED with the count and the first
 * address); returns the number of W+X pages. */
unsigned long ptdump_check_wx(void);

/* Checks that no page the high mapping makes read-only is writable through
 * its direct-map alias; prints one line ("x86/mm: Checked kernel aliases:
 * passed, ...", or FAILED with the count and the first alias); returns the
 * number of such pages. */
unsigned long ptdump_check_aliases(void);

/* Prints MemTotal, MemFree, Reserved, PageTables and Slab, as
 * /proc/meminfo does (`meminfo`). */
void meminfo_show(void);

#endif
