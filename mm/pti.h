/* Page-table isolation (Linux's PTI, the Meltdown mitigation), `pti=on`.
 *
 * Every PGD is then an order-1 block: the kernel table, and 4 KiB above it
 * the user table, so CR3 bit 12 picks one (Linux's PTI_USER_PGTABLE_MASK).
 * The user table's user half mirrors the kernel table's: every write of a
 * user-half PGD entry goes to both (pti_set_user_pgtbl, from set_pgd). Its
 * kernel half maps only the entry text, the entry code's data page and the
 * cpu_entry_area (at CPU_ENTRY_AREA_BASE), through
 * tables shared by every process (built once by pti_init). The entry code
 * (kernel/entry.asm) switches CR3 on every entry from and exit to ring 3.
 */
#ifndef MM_PTI_H
#define MM_PTI_H

#include <stdbool.h>
#include "mm/pgtable.h"
#include "kernel/gdt.h"

#define PTI_USER_PGTABLE_BIT  12
#define PTI_USER_PGTABLE_MASK (1UL << PTI_USER_PGTABLE_BIT)

static inline bool pti_enabled(void)
{
	return cpu_entry_data.pti;
}

/* `pti=on|off` (kernel/cmdline.c); a bad value: one line, PTI stays off. */
void pti_parse_cmdline(const char *v);
/* Builds the user tables' kernel half, loads the entry area's GDT/TSS/IDT. */
void pti_init(void);
/* The user table of a PGD from pgd_alloc (Linux's kernel_to_user_pgdp). */
static inline pgd_t *kernel_to_user_pgdp(pgd_t *pgd)
{
	return (pgd_t *)((unsigned long)pgd | PTI_USER_PGTABLE_MASK);
}
/* The user tables' kernel half into a new user table (pgd_alloc). */
void pti_clone_kernel_half(pgd_t *user_pgd);
/* 0 when a PGD's user table is as it should be; else prints (if out) and 1. */
int pti_check_user_pgd(const pgd_t *pgd, int (*out)(const char *fmt, ...));

#endif
