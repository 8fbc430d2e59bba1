/* System calls: the entry (kernel/entry.asm) and the table
 * (kernel/syscall.c). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>

struct pt_regs;

struct syscall_entry {
	long (*fn)(unsigned long, unsigned long, unsigned long, unsigned long, unsigned long,
		   unsigned long);
	const char *name;
};

extern const struct syscall_entry sys_call_table[];
/* fork (kernel/fork.c) and pgaccess (mm/pgaccess.c): kernel/uapi/unistd.h */
long sys_fork(void);
long sys_pgaccess(unsigned long start, unsigned long npages, unsigned long ubitmap);
extern unsigned long syscall_count[];   /* calls made, per number */

void entry_SYSCALL_64(void);
bool do_syscall_64(struct pt_regs *regs);
/* STAR, LSTAR, SFMASK and EFER.SCE: SYSCALL works from here on. */
void syscall_init(void);

#endif
