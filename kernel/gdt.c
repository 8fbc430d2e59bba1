/* Builds the kernel's GDT with a TSS and loads both (kernel/gdt.h). */
#include "kernel/gdt.h"
#include "kernel/init.h"
#include "kernel/string.h"

#define NR_IST_STACKS 2

/* Descriptor bits, SDM Vol. 3A 3.4.5: G, L (64-bit), P, DPL, S, type. */
#define DESC_CODE64(dpl) (0x00209a0000000000ULL | ((uint64_t)(dpl) << 45))
#define DESC_DATA(dpl)   (0x0000920000000000ULL | ((uint64_t)(dpl) << 45))
#define DESC_TSS_AVAIL   0x9ULL     /* type 1001b: 64-bit TSS, available */

static uint64_t gdt[8] __attribute__((aligned(16)));
struct tss cpu_tss __attribute__((aligned(16)));
static uint8_t ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(4096)));

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
	*lo = (unsigned long)ist_stacks[ist - 1];
	*hi = *lo + IST_STACK_SIZE;
}

void __init gdt_init(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };

	gdt[1] = DESC_CODE64(0);
	gdt[2] = DESC_DATA(0);
	gdt[3] = 0;
	gdt[4] = DESC_DATA(3);
	gdt[5] = DESC_CODE64(3);
	memset(&cpu_tss, 0, sizeof(cpu_tss));
	for (int i = 0; i < NR_IST_STACKS; i++)
		cpu_tss.ist[i] = (uint64_t)ist_stacks[i] + IST_STACK_SIZE;
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
