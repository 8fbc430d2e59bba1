/* Host tests for the PVH start-info parser (kernel/pvh.c): start infos that
 * must be rejected with one line, namely absent or unreadable structures,
 * a bad magic, absent or unreadable arrays, huge counts, modules that
 * cannot exist, then every truncation of readable memory and random
 * corruption of the QEMU-like layout. Valid start infos are in test_pvh.c.
 *
 * Memory is simulated by pvh_builder.h: an exact-size heap buffer that the
 * parser reaches only through map_phys, so ASan reports any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/pvh_builder.h"

static struct pvh p;

/* The realistic layout with one start-info field changed by `edit`. */
#define WITH_START_INFO(edit)                                             \
	do {                                                              \
		struct hvm_start_info si_ = ref_start_info();             \
		build_realistic(&p);                                      \
		{ struct hvm_start_info *si = &si_; edit; }               \
		put_start_info(&p, REF_INFO, &si_);                       \
	} while (0)

/* ---- the start info itself ------------------------------------------------- */

TEST(rejects_start_info_at_0)
{
	build_realistic(&p);
	expect_einval(parse_pvh(&p, 0));
	EXPECT_STREQ(err, "pvh: no start info (EBX is 0)");
}

TEST(rejects_start_info_outside_memory_or_across_its_end)
{
	build_realistic(&p);
	expect_einval(parse_pvh(&p, 0x80000000));
	EXPECT_STREQ(err, "pvh: start info at 0x80000000 is not readable");
	expect_einval(parse_pvh(&p, ~0ull - 8));        /* phys + len wraps */
	expect_err_contains("is not readable");
	/* version 1 needs 56 bytes: 40 readable are not enough */
	put_start_info(&p, SIM_BASE + SIM_SIZE - 56, &(struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 });
	EXPECT_EQ(parse_pvh(&p, SIM_BASE + SIM_SIZE - 56), 0);
	pvh_put(&p, SIM_BASE + SIM_SIZE - 40, &(struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 }, 40);
	expect_einval(parse_pvh(&p, SIM_BASE + SIM_SIZE - 40));
	expect_err_contains("start info version 1 at 0x10fd8 is not readable (0x38 bytes)");
}

TEST(rejects_bad_magic)
{
	WITH_START_INFO(si->magic = 0x336ec579);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: start info at 0x21e0 has magic 0x336ec579 (expected 0x336ec578)");
	/* a multiboot2 block handed to the PVH parser starts with its size */
	WITH_START_INFO(si->magic = 0x6d0);
	expect_einval(parse_pvh(&p, REF_INFO));
}

TEST(zeroes_boot_info_on_failure)
{
	static const struct boot_info zero;

	/* everything before the memory map parsed, then the map fails */
	WITH_START_INFO(si->memmap_paddr = 0xfff00000);
	memset(&bi, 0xa5, sizeof(bi));
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_TRUE(memcmp(&bi, &zero, sizeof(bi)) == 0);
}

TEST(error_message_fits_small_buffers)
{
	char small[8];

	build_realistic(&p);
	sim.mem = malloc(SIM_SIZE);
	sim.size = SIM_SIZE;
	memcpy(sim.mem, p.mem, SIM_SIZE);
	EXPECT_EQ(pvh_parse(0, sim_map, &bi, small, sizeof(small)), -EINVAL);
	EXPECT_EQ(strnlen(small, sizeof(small)), 7);
	EXPECT_EQ(pvh_parse(0, sim_map, &bi, NULL, 0), -EINVAL);
	free(sim.mem);
}

/* ---- strings ------------------------------------------------------------------ */

TEST(rejects_unreadable_command_line)
{
	WITH_START_INFO(si->cmdline_paddr = 0x7fff0000);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: command line at 0x7fff0000 is not readable");
}

/* Shorter than what boot_info keeps, and no NUL before memory ends. */
TEST(rejects_command_line_running_off_memory)
{
	uint64_t at = SIM_BASE + SIM_SIZE - 10;

	WITH_START_INFO(si->cmdline_paddr = at);
	memset(p.mem + (at - SIM_BASE), 'x', 10);
	expect_einval(parse_pvh(&p, REF_INFO));
	expect_err_contains("command line at 0x10ff6 is not readable");
}

TEST(rejects_unreadable_module_string)
{
	struct hvm_modlist_entry m = ref_mods[0];

	build_realistic(&p);
	m.cmdline_paddr = ~0ull;        /* the next byte wraps past 2^64 */
	pvh_put(&p, REF_MODLIST, &m, sizeof(m));
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: module 0's string at 0xffffffffffffffff is not readable");
}

/* ---- arrays and counts ---------------------------------------------------------- */

TEST(rejects_modules_without_a_list)
{
	WITH_START_INFO(si->modlist_paddr = 0);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: 2 modules but modlist_paddr is 0");
}

TEST(rejects_huge_nr_modules)
{
	WITH_START_INFO(si->nr_modules = 0xffffffff);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: module list (4294967295 entries) at 0x5000 is not readable");
	/* one entry more than memory holds */
	WITH_START_INFO(si->nr_modules = (SIM_BASE + SIM_SIZE - REF_MODLIST) / 32 + 1);
	expect_einval(parse_pvh(&p, REF_INFO));
	expect_err_contains("is not readable");
}

TEST(rejects_module_at_0_or_wrapping)
{
	struct hvm_modlist_entry m = ref_mods[1];

	build_realistic(&p);
	m.paddr = 0;
	pvh_put(&p, REF_MODLIST + sizeof(m), &m, sizeof(m));
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: module 1 has paddr 0 (not present)");
	m.paddr = 0xfffffffffffff000;
	m.size = 0x1000;
	pvh_put(&p, REF_MODLIST + sizeof(m), &m, sizeof(m));
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: module 1 at 0xfffffffffffff000 with size 0x1000 wraps past 2^64");
	m.size = 0xfff;                 /* ends at the last byte: fine */
	pvh_put(&p, REF_MODLIST + sizeof(m), &m, sizeof(m));
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
}

TEST(rejects_memory_map_without_address_or_unreadable)
{
	WITH_START_INFO(si->memmap_paddr = 0);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: 7 memory map entries but memmap_paddr is 0");
	WITH_START_INFO(si->memmap_entries = 0x80000000);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: memory map (2147483648 entries) at 0x3000 is not readable");
}

TEST(rejects_unreadable_rsdp)
{
	uint64_t at = SIM_BASE + SIM_SIZE - 20;

	/* a revision-2 RSDP needs 36 bytes; only 20 are there */
	WITH_START_INFO(si->rsdp_paddr = at);
	pvh_put(&p, at, ref_rsdp, 20);
	expect_einval(parse_pvh(&p, REF_INFO));
	EXPECT_STREQ(err, "pvh: RSDP at 0x10fec is not readable");
	WITH_START_INFO(si->rsdp_paddr = 0x2);
	expect_einval(parse_pvh(&p, REF_INFO));
}

/* ---- truncation and random corruption --------------------------------------------- */

/* Readable memory cut at every length: rejected until everything the start
 * info points to is inside, then the full result. The RSDP ends highest. */
TEST(every_truncation_of_memory_is_rejected_or_complete)
{
	uint64_t need = REF_RSDP + sizeof(ref_rsdp) - SIM_BASE;

	build_realistic(&p);
	for (uint64_t size = 0; size <= need + 64; size += size < need - 64 ? 61 : 1) {
		int ret = parse_n(&p, REF_INFO, size);

		if (size < need) {
			expect_einval(ret);
			continue;
		}
		EXPECT_EQ(ret, 0);
		check_realistic(&bi);
	}
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What any accepted start info must give, whatever its bytes. */
static void check_sane(void)
{
	EXPECT_STREQ(bi.protocol, "pvh");
	EXPECT_EQ(bi.info_phys, REF_INFO);
	EXPECT_TRUE(bi.info_size == 40 || bi.info_size == 56);
	EXPECT_TRUE(strnlen(bi.cmdline, sizeof(bi.cmdline)) < sizeof(bi.cmdline));
	EXPECT_TRUE(bi.nr_modules <= BOOT_MODULES_MAX);
	for (uint32_t i = 0; i < bi.nr_modules && i < BOOT_MODULES_MAX; i++) {
		const struct boot_module *m = &bi.modules[i];

		EXPECT_TRUE(strnlen(m->cmdline, sizeof(m->cmdline)) < sizeof(m->cmdline));
		EXPECT_TRUE(m->start != 0 && m->end >= m->start);
	}
	EXPECT_TRUE(bi.nr_e820 <= E820_MAX_ENTRIES);
	EXPECT_TRUE(bi.rsdp_version <= 2);
	EXPECT_TRUE((bi.rsdp_version == 0 && bi.rsdp_len == 0) ||
		    (bi.rsdp_version == 1 && bi.rsdp_len == 20) ||
		    (bi.rsdp_version == 2 && bi.rsdp_len == 36));
}

/* Byte flips in the start info and the arrays it points to. */
TEST(random_corruption_never_crashes)
{
	static const struct { uint64_t at, len; } areas[] = {
		{ REF_INFO, 56 }, { REF_MODLIST, sizeof(ref_mods) }, { REF_MEMMAP, 7 * 24 },
		{ REF_RSDP, 36 },
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int accepted = 0, rejected = 0;

	for (int iter = 0; iter < 20000; iter++) {
		int flips = 1 + (int)(xorshift64(&seed) % 4), ret;

		build_realistic(&p);
		for (int f = 0; f < flips; f++) {
			uint64_t a = xorshift64(&seed) % (sizeof(areas) / sizeof(areas[0]));
			uint64_t at = areas[a].at + xorshift64(&seed) % areas[a].len;

			p.mem[at - SIM_BASE] ^= (uint8_t)(1 + xorshift64(&seed) % 255);
		}
		ret = parse_pvh(&p, REF_INFO);
		if (ret == 0) {
			accepted++;
			check_sane();
		} else {
			rejected++;
			expect_einval(ret);
		}
	}
	UNIT_DIAG("random corruption: %d accepted, %d rejected", accepted, rejected);
	EXPECT_TRUE(accepted > 1000);
	EXPECT_TRUE(rejected > 1000);
}
