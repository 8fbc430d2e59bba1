/* Builds the kernel's GDT with a TSS and loads both (kernel/gdt.h). */
#include "kernel/gdt.h"
#include "kernel/init.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include <stddef.h>

/* Descriptor bits, SDM Vol. 3A 3.4.5: G, L (64-bit), P, DPL, S, type. */
#define DESC_CODE64(dpl) (0x00209a0000000000ULL | ((uint64_t)(dpl) << 45))
#define DESC_DATA(dpl)   (0x0000920000000000ULL | ((uint64_t)(dpl) << 45))
#define DESC_TSS_AVAIL   0x9ULL     /* type 1001b: 64-bit TSS, available */

static uint64_t gdt[8] __attribute__((aligned(16)));
struct tss cpu_tss __attribute__((aligned(16)));
struct cpu_entry_area cpu_entry_area_storage;
struct cpu_entry_data cpu_entry_data;

/* kernel/calling.inc's offsets and address */
_Static_assert(offsetof(struct cpu_entry_data, rsp_scratch) == 0, "CED_RSP_SCRATCH");
_Static_assert(offsetof(struct cpu_entry_data, pti) == 8, "CED_PTI");
_Static_assert(offsetof(struct cpu_entry_data, pcid) == 9, "CED_PCID");
_Static_assert(sizeof(struct cpu_entry_data) == 4096, "a page of its own");
_Static_assert(offsetof(struct cpu_entry_area, entry_stack) + ENTRY_STACK_SIZE == 0x3000,
	       "CEA_ENTRY_STACK_TOP");
_Static_assert(CPU_ENTRY_AREA_BASE == 0xfffffe0000000000UL, "CPU_ENTRY_AREA_BASE");
_Static_assert(sizeof(struct cpu_entry_area) % 4096 == 0, "whole pages");

struct desc_ptr {
	uint16_t size;
	uint64_t address;
} __attribute__((packed));

/* SDM Vol. 3A 8.2.3: a 64-bit TSS descriptor spans two GDT slots. */
static void set_tss_desc(uint64_t *d, uint64_t base, uint32_t limit)
{
	d[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (DESC_TSS_AVAIL << 40) |
	       (1ULL << 47) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((base >> 24) & 0xff) << 56;
	d[1] = base >> 32;
}

void ist_stack_bounds(int ist, unsigned long *lo, unsigned long *hi)
{
	*lo = (unsigned long)get_cpu_entry_area()->ist_stacks[ist - 1];
	*hi = *lo + IST_STACK_SIZE;
}

/* TSS.IST: the tops of the entry area's stacks, where the CPU uses it. */
void cea_set_ist_stacks(void)
{
	struct cpu_entry_area *cea = get_cpu_entry_area();

	for (int i = 0; i < NR_IST_STACKS; i++)
		cpu_tss.ist[i] = (uint64_t)cea->ist_stacks[i] + IST_STACK_SIZE;
}

void __init gdt_init(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	_Static_assert(sizeof(gdt) == sizeof(cpu_entry_area_storage.gdt), "one GDT layout");

	gdt[1] = DESC_CODE64(0);
	gdt[2] = DESC_DATA(0);
	gdt[3] = 0;
	gdt[4] = DESC_DATA(3);
	gdt[5] = DESC_CODE64(3);
	memset(&cpu_tss, 0, sizeof(cpu_tss));
	cea_set_ist_stacks();
	cpu_tss.iomap_base = sizeof(cpu_tss);      /* no I/O bitmap */
	set_tss_desc(&gdt[6], (uint64_t)&cpu_tss, sizeof(cpu_tss) - 1);

	/* Reload CS with a far return, the data segments, then the task register. */
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w2, %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%ss\n\t"
		     "ltr %w3"
		     : : "m"(p), "i"(__KERNEL_CS), "i"(__KERNEL_DS), "r"((uint16_t)GDT_TSS_SEL)
		     : "rax", "memory");
}

/* The same GDT in the entry area, its TSS descriptor naming the entry
 * area's TSS, whose RSP0 is the entry stack: an entry from ring 3 then
 * lands on a stack the user table maps (Linux's entry trampoline stack).
 * sched.c keeps writing cpu_tss.rsp[0]; with pti=on that TSS is no longer
 * the CPU's, and the entry code finds the task stack through
 * cpu_current_top_of_stack. The IDT is copied from the one idt_init loaded
 * (SIDT), so traps.c stays the one place that fills gates. LTR needs an
 * available TSS descriptor (SDM Vol. 3A 8.2.4): this copy is fresh. */
void __init cea_load_pti_tables(void)
{
	struct cpu_entry_area *cea = get_cpu_entry_area();
	struct desc_ptr g = { sizeof(cea->gdt) - 1, (uint64_t)cea->gdt }, i;

	memcpy(cea->gdt, gdt, sizeof(gdt));
	cea->tss = cpu_tss;
	cea->tss.rsp[0] = (uint64_t)cea->entry_stack + ENTRY_STACK_SIZE;
	set_tss_desc(&cea->gdt[6], (uint64_t)&cea->tss, sizeof(cea->tss) - 1);
	asm volatile("sidt %0" : "=m"(i));
	memcpy(cea->idt, (void *)i.address, (size_t)i.size + 1 < sizeof(cea->idt) ? (size_t)i.size + 1 : sizeof(cea->idt));
	i.address = (uint64_t)cea->idt;
	asm volatile("lgdt %0\n\t"
		     "ltr %w1\n\t"
		     "lidt %2"
		     : : "m"(g), "r"((uint16_t)GDT_TSS_SEL), "m"(i) : "memory");
}
