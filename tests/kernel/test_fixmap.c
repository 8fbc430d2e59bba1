/* The fixmap's permanent entries (mm/fixmap.c) on the real CPU: a PTE
 * checked against the device's known address and the SDM's type bits,
 * and the index/address translations' refusals. early_ioremap's slots,
 * also in the fixmap, are in test_early_ioremap.c. */
#include "tests/kernel/ktest.h"
#include "drivers/vga.h"
#include "kernel/boot_info.h"
#include "mm/fixmap.h"

/* Under UEFI the loader's screen is a framebuffer and vga_init maps no
 * text screen (docs/uefi.md): then the entry must be empty. */
KTEST(fixmap, vga_entry_maps_b8000_uncached)
{
	pte_t *ptep = fixmap_pte(FIX_VGA_TEXT);

	KUNIT_EXPECT_TRUE(test, ptep != 0);
	if (!ptep)
		return;
	if (boot_info.has_framebuffer && boot_info.fb.type != BOOT_FB_TYPE_EGA_TEXT) {
		KUNIT_EXPECT_TRUE(test, !(pte_val(*ptep) & _PAGE_PRESENT));
		return;
	}
	KUNIT_EXPECT_EQ(test, pte_pfn(*ptep) << PAGE_SHIFT, VGA_TEXT_PHYS);
	KUNIT_EXPECT_EQ(test, pte_val(*ptep) & (_PAGE_PCD | _PAGE_PWT), _PAGE_PCD | _PAGE_PWT);
	KUNIT_EXPECT_TRUE(test, pte_val(*ptep) & _PAGE_NX);
}

KTEST(fixmap, set_and_clear_a_permanent_entry)
{
	/* FIX_HOLE is refused; an out-of-range index is refused */
	KUNIT_EXPECT_NE(test, __set_fixmap(FIX_HOLE, 0x1000, PAGE_KERNEL), 0);
	KUNIT_EXPECT_NE(test, __set_fixmap(__end_of_fixed_addresses, 0x1000, PAGE_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, virt_to_fix(0xffffffff80200000UL), -22);
	KUNIT_EXPECT_EQ(test, virt_to_fix(fix_to_virt(FIX_APIC_BASE) + 0x20), FIX_APIC_BASE);
}
