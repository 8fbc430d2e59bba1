/* The IDT, GDT and TSS as the CPU sees them (sidt/sgdt/str), and a trap
 * that must come back. */
#include "tests/kernel/ktest.h"
#include "kernel/gdt.h"
#include "kernel/traps.h"
#include "kernel/stacktrace.h"
#include "kernel/types.h"
#include "mm/memlayout.h"

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

KTEST(traps, idt_loaded_with_256_gates)
{
	struct desc_ptr p;

	asm volatile("sidt %0" : "=m"(p));
	KUNIT_EXPECT_EQ(test, p.limit, 256 * 16 - 1);
	KUNIT_EXPECT_TRUE(test, p.base >= 0xffff800000000000UL);
}

/* #DF, NMI, #DB and #MC run on stacks of their own (the gate's IST field,
 * bits 2:0 of its byte 4, SDM Vol. 3A 6.14.1), in the cpu_entry_area at
 * CPU_ENTRY_AREA_BASE; every other vector on the current or RSP0 stack. */
KTEST(traps, ist_gates_for_df_nmi_db_mc)
{
	static const uint8_t want[][2] = {
		{ X86_TRAP_DF, IST_DOUBLE_FAULT }, { X86_TRAP_NMI, IST_NMI },
		{ X86_TRAP_DB, IST_DEBUG }, { X86_TRAP_MC, IST_MCE },
	};
	struct desc_ptr p;
	const uint8_t *idt;
	int with_ist = 0;

	asm volatile("sidt %0" : "=m"(p));
	idt = (const uint8_t *)p.base;
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		unsigned long lo, hi;

		KUNIT_EXPECT_EQ(test, idt[want[i][0] * 16 + 4] & 7, want[i][1]);
		ist_stack_bounds(want[i][1], &lo, &hi);
		KUNIT_EXPECT_EQ(test, cpu_tss.ist[want[i][1] - 1], hi);
		KUNIT_EXPECT_TRUE(test, lo >= CPU_ENTRY_AREA_BASE &&
				  hi <= CPU_ENTRY_AREA_BASE + sizeof(struct cpu_entry_area));
	}
	for (int v = 0; v < 256; v++)
		with_ist += (idt[v * 16 + 4] & 7) != 0;
	KUNIT_EXPECT_EQ(test, with_ist, ARRAY_SIZE(want));
}

KTEST(traps, int3_traps_and_returns)
{
	unsigned long before = int3_count;

	asm volatile("int3");
	asm volatile("int3");
	KUNIT_EXPECT_EQ(test, int3_count - before, 2);
}

KTEST(traps, task_register_and_ist)
{
	uint16_t tr;
	struct desc_ptr g;
	unsigned long lo, hi;

	asm volatile("str %0" : "=r"(tr));
	asm volatile("sgdt %0" : "=m"(g));
	KUNIT_EXPECT_EQ(test, tr, GDT_TSS_SEL);
	KUNIT_EXPECT_TRUE(test, g.base >= 0xffff800000000000UL);   /* not the boot copy */
	ist_stack_bounds(IST_DOUBLE_FAULT, &lo, &hi);
	KUNIT_EXPECT_EQ(test, cpu_tss.ist[IST_DOUBLE_FAULT - 1], hi);
	KUNIT_EXPECT_TRUE(test, on_kernel_stack(lo, hi - lo));
}

KTEST(traps, segments_are_kernel_selectors)
{
	uint16_t cs, ss;

	asm volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	KUNIT_EXPECT_EQ(test, cs, __KERNEL_CS);
	KUNIT_EXPECT_EQ(test, ss, __KERNEL_DS);
}

KTEST(traps, interrupts_enabled_after_boot)
{
	unsigned long flags;

	asm volatile("pushfq; popq %0" : "=r"(flags));
	KUNIT_EXPECT_TRUE(test, flags & (1UL << 9));
}
