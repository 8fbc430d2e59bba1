/* Address spaces and their mappings (mm/mmap.c): what the mmap, munmap
 * and brk syscalls and the program loader call. Linux's names.
 *
 * The user half of a process, top down:
 *
 *   0x7ffffffff000  STACK_TOP (DEFAULT_MAP_WINDOW: the last page is never user)
 *                   [stack] STACK_SIZE, VM_GROWSDOWN, demand-zero
 *                   guard gap: STACK_GUARD_GAP, never mapped
 *   mmap_base       mmap areas, handed out top down
 *         ...
 *                   [heap] from start_brk up (brk)
 *   0x400000        the program (text, rodata, data, bss)
 *   0x10000         mmap_min_addr: nothing below
 *
 * Commit accounting: a private writable mapping is charged (VM_ACCOUNT)
 * when made, and is refused with -ENOMEM when the charges would exceed
 * what the machine could ever back: the free pages plus the pages
 * processes hold, less a reserve for page tables and kernel stacks
 * (Linux's vm.overcommit_memory = 2, strict). A touch of committed
 * memory then practically never finds no page. */
#ifndef MM_MMAP_H
#define MM_MMAP_H

#include "mm/mm_types.h"
#include "kernel/err.h"

#define STACK_TOP        DEFAULT_MAP_WINDOW      /* 47 bits, also with LA57 */
#define STACK_SIZE       (1UL << 20)
#define STACK_GUARD_GAP  (256UL << PAGE_SHIFT)          /* Linux's stack_guard_gap */

extern unsigned long vm_committed_pages;   /* all charges (Linux's Committed_AS) */
extern unsigned long nr_user_pages;        /* pages mapped into user halves, owned */

/* A new mm with an empty user half (pgd_alloc); NULL without memory. */
struct mm_struct *mm_alloc(void);
/* Unmaps everything, frees every user table page and the PGD, then the
 * mm. Switches CR3 to the kernel's table first if mm is loaded. */
void mmput(struct mm_struct *mm);

/* Makes a VMA [addr, addr + len) (len page-aligned; MAP_FIXED semantics
 * when fixed, else the range comes from get_unmapped_area) with vm_flags,
 * charging it if VM_ACCOUNT; returns it, or ERR_PTR(-ENOMEM) (no commit
 * or no memory) or the error of insert_vm_struct (kernel/err.h). */
struct vm_area_struct *mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
				   unsigned long vm_flags, const char *name);
long do_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	     int fd, unsigned long off);
long do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
long sys_brk(unsigned long brk);

#endif
