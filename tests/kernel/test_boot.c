/* Boot state, checked against the CPU's own registers and a walk of the
 * live page tables rather than against what the boot code meant to do. */
#include "tests/kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/boot_info.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "kernel/types.h"
#include "mm/pgtable.h"
#include "tests/kernel/cr3_walk.h"

extern char _text[], _etext[], _end[], __start_rodata[], _edata[], __bss_start[];
extern char boot_stack_bottom[], boot_stack_top[];

KTEST(boot, long_mode_paging_bits_set)
{
	uint64_t efer = rdmsr(MSR_EFER);

	KUNIT_EXPECT_TRUE(test, read_cr0() & X86_CR0_PG);
	KUNIT_EXPECT_TRUE(test, read_cr0() & X86_CR0_WP);
	KUNIT_EXPECT_TRUE(test, read_cr4() & X86_CR4_PAE);
	KUNIT_EXPECT_TRUE(test, efer & EFER_LME);
	KUNIT_EXPECT_TRUE(test, efer & (1UL << 10));   /* LMA: long mode is active */
	KUNIT_EXPECT_TRUE(test, efer & EFER_NX);
}

KTEST(boot, identity_map_dropped)
{
	pgd_t *pgd = current_pgd();
	int present = 0;

	KUNIT_EXPECT_TRUE(test, pgd != 0);
	for (int i = 0; pgd && i < KERNEL_PGD_BOUNDARY; i++)
		present += !pgd_none(pgd[i]);
	KUNIT_EXPECT_EQ(test, present, 0);
	KUNIT_EXPECT_EQ(test, cr3_walk(0x200000), ~0ULL);       /* where the image is */
	KUNIT_EXPECT_EQ(test, cr3_walk(0xb8000), ~0ULL);
}

KTEST(boot, kernel_runs_in_higher_half)
{
	unsigned long rsp;

	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	KUNIT_EXPECT_TRUE(test, (unsigned long)&cr3_walk >= __START_KERNEL_map);
	/* on the current task's stack: the boot stack in the image at boot,
	 * the shell's vmalloc'd one when run from the shell */
	KUNIT_EXPECT_TRUE(test, rsp > (unsigned long)current->stack &&
			  rsp <= (unsigned long)current->stack + THREAD_SIZE);
	KUNIT_EXPECT_TRUE(test, current == &init_task ? rsp >= __START_KERNEL_map :
			  rsp >= VMALLOC_START && rsp <= VMALLOC_END);
	KUNIT_EXPECT_EQ(test, (unsigned long)_text, __START_KERNEL_map + LOAD_PHYSICAL_ADDR);
}

KTEST(boot, image_maps_to_load_address)
{
	/* The CPU's view (the walk) must agree with the linker's (VMA - map). */
	KUNIT_EXPECT_EQ(test, cr3_walk((unsigned long)_text), LOAD_PHYSICAL_ADDR);
	KUNIT_EXPECT_EQ(test, cr3_walk((unsigned long)_etext - 1), __pa_symbol(_etext - 1));
	KUNIT_EXPECT_EQ(test, cr3_walk((unsigned long)_end - 1), __pa_symbol(_end - 1));
	KUNIT_EXPECT_EQ(test, read_cr3() & PHYSICAL_PAGE_MASK, __pa_symbol(kernel_pgd()));
}

KTEST(boot, sections_page_aligned_in_order)
{
	unsigned long s[] = { (unsigned long)_text, (unsigned long)__start_rodata,
			      (unsigned long)__bss_start, (unsigned long)_end };

	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++)
		KUNIT_EXPECT_EQ(test, s[i] & (PAGE_SIZE - 1), 0);
	KUNIT_EXPECT_TRUE(test, (unsigned long)_etext <= (unsigned long)__start_rodata);
	KUNIT_EXPECT_TRUE(test, (unsigned long)__start_rodata < (unsigned long)_edata);
	KUNIT_EXPECT_TRUE(test, (unsigned long)_edata <= (unsigned long)__bss_start);
	KUNIT_EXPECT_TRUE(test, (unsigned long)__bss_start < (unsigned long)_end);
}

KTEST(boot, boot_stack_in_bss)
{
	KUNIT_EXPECT_TRUE(test, (unsigned long)boot_stack_bottom >= (unsigned long)__bss_start);
	KUNIT_EXPECT_TRUE(test, (unsigned long)boot_stack_top <= (unsigned long)_end);
	KUNIT_EXPECT_EQ(test, (unsigned long)boot_stack_bottom & (PAGE_SIZE - 1), 0);
}

KTEST(boot, boot_info_copied_from_multiboot2)
{
	int usable = 0;

	if (!strcmp(boot_info.protocol, "pvh")) {      /* qemu -kernel (kernel/pvh.c) */
		KUNIT_EXPECT_EQ(test, strncmp(boot_info.loader_name, "PVH", 3), 0);
	} else {
		KUNIT_EXPECT_STREQ(test, boot_info.protocol, "multiboot2");
		KUNIT_EXPECT_EQ(test, strncmp(boot_info.loader_name, "GRUB", 4), 0);
	}
	KUNIT_EXPECT_TRUE(test, strnlen(boot_info.cmdline, BOOT_CMDLINE_MAX) < BOOT_CMDLINE_MAX);
	for (uint32_t i = 0; i < boot_info.nr_e820; i++)
		usable += boot_info.e820[i].type == E820_TYPE_RAM;
	KUNIT_EXPECT_TRUE(test, usable >= 2);       /* below 640K and above 1M */
	KUNIT_EXPECT_TRUE(test, boot_info.info_phys != 0);
}
