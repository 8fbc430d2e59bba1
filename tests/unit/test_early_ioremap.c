/* early_ioremap's slot logic and the fixmap address arithmetic on the host.
 * __set_fixmap is replaced by a recorder (the simulated PTE page), so each
 * test can check exactly which fixmap entries a call wrote, and that a
 * refused call wrote none. */
#include <stdint.h>
#include <stdio.h>
#include "tests/unit/unit.h"
#include "tests/unit/printk_capture.h"
#include "mm/early_ioremap.c"
#include "mm/fixmap.c"

static uint64_t fake_pte[__end_of_fixed_addresses];
static int nr_set_calls;

int __set_fixmap(enum fixed_addresses idx, uint64_t phys, pgprot_t prot)
{
	nr_set_calls++;
	fake_pte[idx] = pgprot_val(prot) ? ((phys & PHYSICAL_PAGE_MASK) | pgprot_val(prot)) : 0;
	return 0;
}

/* A fresh state for each test: no slot live, no PTE set, boot open. */
static void reset(void)
{
	memset(prev_map, 0, sizeof(prev_map));
	memset(prev_caller, 0, sizeof(prev_caller));
	memset(fake_pte, 0, sizeof(fake_pte));
	early_ioremap_done = false;
	nr_set_calls = 0;
	clear_msgs();
	early_ioremap_setup();
}

static int live_ptes(void)
{
	int n = 0;

	for (int i = 0; i < __end_of_fixed_addresses; i++)
		n += fake_pte[i] != 0;
	return n;
}

TEST(fix_to_virt_round_trips_every_index)
{
	for (unsigned long i = 0; i < __end_of_fixed_addresses; i++) {
		unsigned long va = __fix_to_virt(i);
		EXPECT_EQ(va, 0xffffffffff7ff000UL - i * 4096);
		EXPECT_EQ(__virt_to_fix(va), i);
		EXPECT_EQ(__virt_to_fix(va + 0xfff), i);      /* any byte of the page */
		EXPECT_EQ(virt_to_fix(va), (long)i);
	}
	EXPECT_EQ(__fix_to_virt(__end_of_fixed_addresses), FIXADDR_TOT_START);
	EXPECT_EQ(__fix_to_virt(__end_of_permanent_fixed_addresses), FIXADDR_START);
}

TEST(names_for_every_index)
{
	char buf[48];

	EXPECT_STREQ(fixmap_name(FIX_APIC_BASE, buf, sizeof(buf)), "FIX_APIC_BASE");
	EXPECT_STREQ(fixmap_name(FIX_IO_APIC_BASE_0 + 2, buf, sizeof(buf)), "FIX_IO_APIC_BASE_2");
	EXPECT_STREQ(fixmap_name(FIX_BTMAP_BEGIN, buf, sizeof(buf)), "FIX_BTMAP slot 0 page 0");
	EXPECT_STREQ(fixmap_name(FIX_BTMAP_END, buf, sizeof(buf)), "FIX_BTMAP slot 7 page 63");
}

TEST(virt_to_fix_rejects_outside_addresses)
{
	reset();
	EXPECT_EQ(virt_to_fix(FIXADDR_TOT_START), -EINVAL);
	EXPECT_EQ(virt_to_fix(FIXADDR_TOT_START + PAGE_SIZE), FIX_BTMAP_BEGIN);
	EXPECT_EQ(virt_to_fix(0xffffffff80200000UL), -EINVAL);
	EXPECT_EQ(virt_to_fix(0xfffffffffffff000UL), -EINVAL);
	EXPECT_EQ(nr_calls, 3);   /* the three refused */
	EXPECT_TRUE(strstr(last_line, "virt_to_fix(0xfffffffffffff000): outside the fixmap") != NULL);
}

TEST(btmap_block_inside_one_pmd_and_one_pte_page)
{
	unsigned long lo = __fix_to_virt(FIX_BTMAP_BEGIN), hi = __fix_to_virt(FIX_BTMAP_END);

	EXPECT_EQ(lo >> 21, hi >> 21);
	EXPECT_EQ(hi - lo, (TOTAL_FIX_BTMAPS - 1) * 4096UL);
	EXPECT_EQ(TOTAL_FIX_BTMAPS, 512);
	/* the permanent part shares FIXADDR_TOP's PMD, the block is separate */
	EXPECT_EQ(__fix_to_virt(__end_of_permanent_fixed_addresses - 1) >> 21, FIXADDR_TOP >> 21);
	EXPECT_TRUE(FIX_BTMAP_END >= __end_of_permanent_fixed_addresses);
}

TEST(slots_are_64_pages_apart_from_btmap_begin)
{
	reset();
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		EXPECT_EQ(slot_virt[s], __fix_to_virt(FIX_BTMAP_BEGIN) + s * 64 * 4096UL);
}

TEST(first_free_slot_is_taken_in_order)
{
	reset();
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++) {
		void *p = early_memremap(0x100000 + s * 0x10000, 4096);
		EXPECT_EQ((unsigned long)p, slot_virt[s]);
	}
	EXPECT_EQ(live_ptes(), 8);
}

TEST(unmap_frees_the_slot_for_reuse)
{
	void *a, *b, *c;

	reset();
	a = early_memremap(0x1000, 100);
	b = early_memremap(0x2000, 100);
	early_memunmap(a, 100);
	EXPECT_EQ(live_ptes(), 1);
	c = early_memremap(0x3000, 100);
	EXPECT_EQ((unsigned long)c, (unsigned long)a);       /* slot 0 again */
	EXPECT_EQ(fake_pte[FIX_BTMAP_BEGIN] & PHYSICAL_PAGE_MASK, 0x3000);
	early_memunmap(b, 100);
	early_memunmap(c, 100);
	EXPECT_EQ(live_ptes(), 0);
	EXPECT_EQ(nr_calls, 0);
}

TEST(all_eight_full_refuses_ninth_without_writing)
{
	reset();
	for (int s = 0; s < 8; s++)
		EXPECT_TRUE(early_ioremap(0xfee00000 + s * 0x1000, 0x1000) != NULL);
	int calls = nr_set_calls;
	EXPECT_TRUE(early_ioremap(0xfec00000, 0x1000) == NULL);
	EXPECT_EQ(nr_set_calls, calls);
	EXPECT_STREQ(last_line, "early_ioremap(0xfec00000, 0x1000): no free slot (all 8 in use)\n");
}

TEST(unaligned_mapping_keeps_offset_and_covers_every_page)
{
	reset();
	/* 0x1ff0 + 0x2010 bytes ends at 0x3fff: pages 0x1000, 0x2000, 0x3000 */
	uint8_t *p = early_memremap(0x1ff0, 0x2010);
	EXPECT_EQ((unsigned long)p & 0xfff, 0xff0);
	EXPECT_EQ((unsigned long)p - 0xff0, slot_virt[0]);
	EXPECT_EQ(fake_pte[FIX_BTMAP_BEGIN] & PHYSICAL_PAGE_MASK, 0x1000);
	EXPECT_EQ(fake_pte[FIX_BTMAP_BEGIN - 1] & PHYSICAL_PAGE_MASK, 0x2000);
	EXPECT_EQ(fake_pte[FIX_BTMAP_BEGIN - 2] & PHYSICAL_PAGE_MASK, 0x3000);
	EXPECT_EQ(live_ptes(), 3);
	early_memunmap(p, 0x2010);
	EXPECT_EQ(live_ptes(), 0);
}

TEST(cache_type_and_permissions_by_flavour)
{
	reset();
	void *io = early_ioremap(0xfee00000, 4);
	void *mem = early_memremap(0x9000, 4);
	void *ro = early_memremap_ro(0xa000, 4);
	uint64_t pio = fake_pte[FIX_BTMAP_BEGIN], pmem = fake_pte[FIX_BTMAP_BEGIN - 64],
		 pro = fake_pte[FIX_BTMAP_BEGIN - 128];

	EXPECT_TRUE((pio & (_PAGE_PCD | _PAGE_PWT)) == (_PAGE_PCD | _PAGE_PWT));
	EXPECT_TRUE(!(pmem & (_PAGE_PCD | _PAGE_PWT)) && (pmem & _PAGE_RW));
	EXPECT_TRUE(!(pro & _PAGE_RW) && (pro & _PAGE_PRESENT));
	EXPECT_TRUE((pio & pmem & pro & _PAGE_NX) != 0);
	early_iounmap(io, 4);
	early_memunmap(mem, 4);
	early_memunmap(ro, 4);
}

/* Each refused call: NULL, its one-line message, and no PTE written. */
#define EXPECT_REFUSED(call, msg) do {                                        \
	int calls_ = nr_set_calls, msgs_ = nr_calls;                          \
	EXPECT_TRUE((call) == NULL);                                          \
	EXPECT_EQ(nr_set_calls, calls_);                                      \
	EXPECT_EQ(nr_calls, msgs_ + 1);                                       \
	EXPECT_STREQ(last_line, msg);                                         \
} while (0)

TEST(refuses_bad_sizes)
{
	reset();
	EXPECT_REFUSED(early_memremap(0x1000, 0), "early_memremap(0x1000, 0): size is zero\n");
	EXPECT_REFUSED(early_ioremap(0xfffffffffffff000ULL, 0x2000),
		       "early_ioremap(0xfffffffffffff000, 0x2000): range wraps or passes the CPU's physical address limit\n");
	EXPECT_REFUSED(early_memremap(0x10000000000000ULL, 1),
		       "early_memremap(0x10000000000000, 0x1): range wraps or passes the CPU's physical address limit\n");
	EXPECT_REFUSED(early_ioremap(0x1000, 0x41000),
		       "early_ioremap(0x1000, 0x41000): size over 64 pages (65)\n");
	/* 64 pages exactly is fine, even unaligned if it stays within 64 */
	void *p = early_memremap(0x1000, 0x40000);
	EXPECT_TRUE(p != NULL);
	early_memunmap(p, 0x40000);
	EXPECT_REFUSED(early_memremap(0x1001, 0x40000),
		       "early_memremap(0x1001, 0x40000): size over 64 pages (65)\n");
}

TEST(bad_unmaps_change_nothing)
{
	reset();
	void *p = early_memremap(0x5000, 0x100);
	int calls = nr_set_calls;

	early_memunmap((char *)p + 1, 0x100);
	EXPECT_TRUE(strstr(last_line, "not a live early_ioremap slot") != NULL);
	early_memunmap(p, 0x200);
	EXPECT_TRUE(strstr(last_line, "size differs from the mapping's 0x100") != NULL);
	early_iounmap(NULL, 0x100);
	EXPECT_TRUE(strstr(last_line, "early_iounmap(") == last_line);
	EXPECT_EQ(nr_set_calls, calls);
	EXPECT_EQ(live_ptes(), 1);
	early_memunmap(p, 0x100);
	early_memunmap(p, 0x100);           /* double unmap */
	EXPECT_TRUE(strstr(last_line, "not a live early_ioremap slot") != NULL);
	EXPECT_EQ(live_ptes(), 0);
}

TEST(leak_check_counts_live_slots)
{
	reset();
	EXPECT_EQ(check_early_ioremap_leak(), 0);
	EXPECT_EQ(nr_calls, 0);
	void *a = early_memremap(0x1000, 1), *b = early_ioremap(0x2000, 1);
	EXPECT_EQ(check_early_ioremap_leak(), 2);
	EXPECT_STREQ(last_line, "Debug warning: early ioremap leak of 2 areas detected.\n");
	early_memunmap(a, 1);
	early_iounmap(b, 1);
	EXPECT_EQ(check_early_ioremap_leak(), 0);
}

TEST(refused_after_early_boot_but_unmap_still_works)
{
	reset();
	void *p = early_memremap(0x1000, 8);
	early_ioremap_finish();
	EXPECT_REFUSED(early_memremap(0x2000, 8),
		       "early_memremap(0x2000, 0x8): early boot is over; use ioremap()\n");
	early_memunmap(p, 8);
	EXPECT_EQ(live_ptes(), 0);
}
