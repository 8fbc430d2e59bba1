/* The page-fault handler (#PF, vector 14). */
#ifndef MM_FAULT_H
#define MM_FAULT_H

struct pt_regs;

/* Page-fault error code bits, SDM Vol. 3A 4.7 (Figure 4-12). */
#define X86_PF_PROT  (1UL << 0)   /* 0: not-present page; 1: protection violation */
#define X86_PF_WRITE (1UL << 1)   /* the access was a write */
#define X86_PF_USER  (1UL << 2)   /* the access came from ring 3 */
#define X86_PF_RSVD  (1UL << 3)   /* a reserved bit was set in an entry */
#define X86_PF_INSTR (1UL << 4)   /* an instruction fetch */
#define X86_PF_PK    (1UL << 5)   /* protection keys */

void do_page_fault(struct pt_regs *regs, unsigned long error_code);

#endif
