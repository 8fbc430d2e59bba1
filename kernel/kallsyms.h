/* The kernel's own symbol table, embedded at link time (scripts/kallsyms.py
 * writes it from the first link's `nm`; the second link adds it in the
 * .kallsyms section, after everything whose address it records). */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include <stddef.h>

#define KSYM_NAME_LEN 128

/* The function containing addr: its name, and its size and addr's offset
 * into it; NULL when addr is in no known function. */
const char *kallsyms_lookup(unsigned long addr, unsigned long *size,
			    unsigned long *offset);
unsigned long kallsyms_lookup_name(const char *name);   /* 0 if unknown */
unsigned long kallsyms_count(void);

/* "name+0xoff/0xsize", or the bare hex address when unknown (Linux %pS). */
int sprint_symbol(char *buf, size_t len, unsigned long addr);
/* The same for a return address (Linux %pB: looked up at addr - 1). */
int sprint_backtrace(char *buf, size_t len, unsigned long addr);

#endif
