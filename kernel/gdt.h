/* The GDT and the TSS (SDM Vol. 3A 3.4.5, 8.7).
 *
 *  index selector  what
 *    0    0x00     null
 *    1    0x08     __KERNEL_CS  64-bit code, DPL 0
 *    2    0x10     __KERNEL_DS  data, DPL 0
 *    3    0x1b     __USER32_CS  (placeholder, keeps sysret's order)
 *    4    0x23     __USER_DS    data, DPL 3
 *    5    0x2b     __USER_CS    64-bit code, DPL 3
 *    6-7  0x30     TSS (a 16-byte system descriptor)
 *
 * The user selectors sit in sysret's order (SDM 2B, SYSRET: SS = STAR[63:48]
 * + 8, CS = STAR[63:48] + 16), for the user-mode issue.
 */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>

#define __KERNEL_CS   0x08
#define __KERNEL_DS   0x10
#define __USER32_CS   0x1b
#define __USER_DS     0x23
#define __USER_CS     0x2b
#define GDT_TSS_SEL   0x30

/* Interrupt stack table slots (TSS.IST1..7); 0 means "no IST". Linux's
 * four: the vectors that can strike where the stack is not to be trusted. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_DEBUG        3
#define IST_MCE          4
#define IST_STACK_SIZE   (16 * 1024)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];        /* stack for a switch to ring 0..2 */
	uint64_t reserved1;
	uint64_t ist[7];        /* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

extern struct tss cpu_tss;

/* Linux's cpu_entry_area: what the CPU reads on an entry from ring 3 before
 * CR3 holds the kernel table, in pages of its own, so that PTI's user table
 * can map exactly these (mm/pti.c): the GDT, the TSS, with pti=on a copy of
 * the IDT and the entry stack (TSS.RSP0), and the IST stacks. Its pages
 * are cpu_entry_area_storage, in the image; setup_cpu_entry_areas
 * (mm/cpu_entry_area.c) maps them at Linux's CPU_ENTRY_AREA_BASE, in the
 * kernel table and in every user table, and from then on the CPU uses
 * them there. The CEA_* offsets are the entry code's (kernel/calling.inc),
 * checked against offsetof in kernel/gdt.c. */
#define ENTRY_STACK_SIZE 4096
#define NR_IST_STACKS    4

struct cpu_entry_area {
	uint64_t gdt[8];
	struct tss tss;
	uint8_t idt[4096] __attribute__((aligned(4096)));       /* pti=on: the IDT in use */
	uint8_t entry_stack[ENTRY_STACK_SIZE] __attribute__((aligned(4096)));
	uint8_t ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(4096)));
} __attribute__((aligned(4096)));

extern struct cpu_entry_area cpu_entry_area_storage;
/* The entry area where the CPU uses it: at CPU_ENTRY_AREA_BASE once
 * setup_cpu_entry_areas has mapped it, before that its pages in the image
 * (Linux's get_cpu_entry_area). */
struct cpu_entry_area *get_cpu_entry_area(void);
void setup_cpu_entry_areas(void);

/* What the entry code itself reads and writes under the user table, which
 * a RIP-relative operand must reach (CPU_ENTRY_AREA_BASE is 2^41 bytes
 * from the text, past a 32-bit displacement): a page of its own in the
 * image, mapped at its image address in both tables. Linux keeps these in
 * per-CPU data through GS, and in code patched at boot. */
struct cpu_entry_data {
	uint64_t rsp_scratch;   /* the user RSP while SYSCALL switches CR3 and stacks */
	uint8_t pti;            /* 1: entries and exits switch CR3 (pti=on) */
	uint8_t pcid;           /* 1: CR4.PCIDE on: the switches keep PCIDs' entries */
} __attribute__((aligned(4096)));

extern struct cpu_entry_data cpu_entry_data;

/* TSS.IST1.. point into get_cpu_entry_area()'s stacks. */
void cea_set_ist_stacks(void);
/* pti=on: load the entry area's GDT, TSS and a copy of the IDT (mm/pti.c). */
void cea_load_pti_tables(void);

void gdt_init(void);
/* Bounds of IST stack `ist` (1-based); for the backtrace's stack check. */
void ist_stack_bounds(int ist, unsigned long *lo, unsigned long *hi);

#endif
