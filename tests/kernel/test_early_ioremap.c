/* early_ioremap (mm/early_ioremap.c) on the real CPU, in early boot
 * (KTEST_EARLY) while its slots are open, then after. The bytes read
 * through a slot are checked against a second, independent mapping of the
 * same physical memory: the kernel image's own high alias. */
#include "tests/kernel/ktest.h"
#include "kernel/boot_info.h"
#include "kernel/pvh.h"
#include "kernel/string.h"
#include "mm/early_ioremap.h"
#include "mm/fixmap.h"

extern char _text[], _end[];

KTEST_EARLY(early_ioremap, eight_slots_read_what_the_image_alias_reads)
{
	uint8_t *p[FIX_BTMAPS_SLOTS];
	unsigned long image = (unsigned long)(_end - _text);

	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++) {
		/* a different unaligned window of the image for each slot */
		unsigned long off = (image / FIX_BTMAPS_SLOTS) * s + 8 * s + 3;
		p[s] = early_memremap(__pa_symbol(_text) + off, 3 * PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, p[s] != 0);
		if (p[s])
			KUNIT_EXPECT_EQ(test, memcmp(p[s], _text + off, 3 * PAGE_SIZE), 0);
	}
	/* all eight are live now: a ninth is refused */
	KUNIT_EXPECT_TRUE(test, early_memremap(__pa_symbol(_text), 16) == 0);
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), FIX_BTMAPS_SLOTS);
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		if (p[s])
			early_memunmap(p[s], 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 0);
}

KTEST_EARLY(early_ioremap, reads_the_multiboot2_block_grub_left)
{
	/* The first u32 of the loader's block is its total size (a PVH start
	 * info's: its magic), which setup_boot_info read through the (now
	 * gone) identity map. */
	uint32_t *p = early_memremap_ro(boot_info.info_phys, 8);
	bool pvh = !strcmp(boot_info.protocol, "pvh");

	KUNIT_EXPECT_TRUE(test, p != 0);
	if (!p)
		return;
	KUNIT_EXPECT_EQ(test, p[0], pvh ? XEN_HVM_START_MAGIC_VALUE : boot_info.info_size);
	KUNIT_EXPECT_EQ(test, (unsigned long)p & 7, boot_info.info_phys & 7);
	early_memunmap(p, 8);
}

KTEST_EARLY(early_ioremap, writes_reach_memory_and_ro_is_read_only)
{
	static volatile uint64_t cell;       /* in .bss: reachable both ways */
	volatile uint64_t *p = early_memremap(__pa_symbol(&cell), sizeof(cell));
	pte_t *ptep;

	KUNIT_EXPECT_TRUE(test, p != 0);
	if (!p)
		return;
	*p = 0x0123456789abcdefULL;
	KUNIT_EXPECT_EQ(test, cell, 0x0123456789abcdefULL);
	early_memunmap((void *)p, sizeof(cell));
	p = early_memremap_ro(__pa_symbol(&cell), sizeof(cell));
	ptep = fixmap_pte(__virt_to_fix((unsigned long)p));
	KUNIT_EXPECT_TRUE(test, ptep && pte_present(*ptep) && !(pte_val(*ptep) & _PAGE_RW));
	early_memunmap((void *)p, sizeof(cell));
	KUNIT_EXPECT_TRUE(test, ptep && !pte_present(*ptep));
}

KTEST_EARLY(early_ioremap, leak_check_reports_a_leaked_slot)
{
	void *p = early_memremap(__pa_symbol(_text), 1);

	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 1);
	early_memunmap(p, 1);
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 0);
}

KTEST_EARLY(early_ioremap, bad_requests_refused)
{
	void *p = early_memremap(__pa_symbol(_text), 100);

	KUNIT_EXPECT_TRUE(test, early_ioremap(0x1000, 0) == 0);
	KUNIT_EXPECT_TRUE(test, early_ioremap(0x1000, 65 * PAGE_SIZE) == 0);
	KUNIT_EXPECT_TRUE(test, early_ioremap(~0ULL - 10, 100) == 0);
	early_memunmap(p, 99);                      /* wrong size: stays mapped */
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 1);
	early_memunmap(p, 100);
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 0);
}

KTEST(early_ioremap, refused_after_boot)
{
	KUNIT_EXPECT_TRUE(test, early_memremap(__pa_symbol(_text), 16) == 0);
	KUNIT_EXPECT_EQ(test, check_early_ioremap_leak(), 0);
}
