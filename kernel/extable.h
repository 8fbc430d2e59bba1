/* The exception table: for each kernel instruction allowed to fault (the
 * user-memory accesses in kernel/copy_user.asm), where to continue instead
 * of oopsing. Entries are pairs of addresses in section __ex_table
 * (linker.ld); the fault handlers look regs->ip up in it. Linux's
 * mechanism (Documentation/arch/x86/exception-tables.rst), with absolute
 * addresses instead of relative ones. */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H

#include <stdbool.h>

struct pt_regs;

struct exception_table_entry {
	unsigned long insn;     /* the instruction that may fault */
	unsigned long fixup;    /* where execution continues */
};

/* True (and regs->ip moved to the fixup) if regs->ip has an entry. */
bool fixup_exception(struct pt_regs *regs);
bool search_exception_tables(unsigned long ip);

#endif
