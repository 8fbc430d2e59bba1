/* Host tests for the PVH start-info parser (kernel/pvh.c): valid start
 * infos and what each field becomes in struct boot_info (versions, absent
 * fields, strings, modules, memory map, RSDP, the limits of boot_info).
 * Malformed and corrupted start infos are in test_pvh_corrupt.c.
 *
 * Layouts are built in simulated physical memory by pvh_builder.h; the
 * builder's inputs are the reference the parsed boot_info is checked against.
 */
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/pvh_builder.h"

static struct pvh p;

TEST(parses_qemu_like_start_info)
{
	build_realistic(&p);
	memset(&bi, 0xa5, sizeof(bi));
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_STREQ(err, "");
	check_realistic(&bi);
}

TEST(absent_fields_leave_boot_info_empty)
{
	struct hvm_start_info si = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };

	memset(&p, 0, sizeof(p));
	/* addresses 0 mean "not present", even with counts 0 beside them */
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_STREQ(bi.protocol, "pvh");
	EXPECT_STREQ(bi.cmdline, "");
	EXPECT_EQ(bi.nr_modules + bi.nr_e820 + bi.rsdp_version + bi.rsdp_len + bi.nr_warnings, 0);
}

/* Version 0 ends before memmap_paddr: its 40 bytes are all there is, and
 * whatever follows them is not read even when it looks like a memory map. */
TEST(version_0_is_40_bytes_without_memory_map)
{
	struct hvm_start_info si = ref_start_info();
	uint64_t at = SIM_BASE + SIM_SIZE - PVH_START_INFO_V0_SIZE;

	build_realistic(&p);
	si.version = 0;
	pvh_put(&p, at, &si, PVH_START_INFO_V0_SIZE);
	EXPECT_EQ(parse_pvh(&p, at), 0);
	EXPECT_EQ(bi.info_size, 40);
	EXPECT_EQ(bi.nr_e820, 0);
	EXPECT_STREQ(bi.loader_name, "PVH direct boot, start info v0");
	EXPECT_STREQ(bi.cmdline, REF_CMDLINE_S);
	EXPECT_EQ(bi.nr_modules, 2);
}

TEST(later_versions_read_as_version_1)
{
	struct hvm_start_info si = ref_start_info();

	build_realistic(&p);
	si.version = 7;         /* "new versions are guaranteed to be backwards-compatible" */
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_e820, 7);
	EXPECT_EQ(bi.nr_warnings, 0);
}

TEST(memmap_entries_zero_means_no_map)
{
	struct hvm_start_info si = ref_start_info();

	build_realistic(&p);
	si.memmap_entries = 0;
	si.memmap_paddr = 0xdead0000;   /* never followed */
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_e820, 0);
}

TEST(acpi_1_rsdp_is_20_bytes_and_may_end_memory)
{
	struct hvm_start_info si = ref_start_info();
	uint8_t v1[20];
	uint64_t at = SIM_BASE + SIM_SIZE - sizeof(v1);

	build_realistic(&p);
	memcpy(v1, ref_rsdp, sizeof(v1));
	v1[15] = 0;                     /* revision 0: ACPI 1.0 */
	pvh_put(&p, at, v1, sizeof(v1));
	si.rsdp_paddr = at;
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.rsdp_version, 1);
	EXPECT_EQ(bi.rsdp_len, 20);
	EXPECT_MEMEQ(bi.rsdp, v1, 20);
	EXPECT_EQ(bi.rsdp[20], 0);
}

TEST(command_line_of_511_bytes_fits_512_is_cut)
{
	char s[600];

	for (size_t len = 510; len <= 513; len++) {
		build_realistic(&p);
		memset(s, 'c', len);
		s[len] = '\0';
		pvh_str(&p, REF_CMDLINE, s);
		EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
		EXPECT_EQ(strlen(bi.cmdline), len < BOOT_CMDLINE_MAX ? len : BOOT_CMDLINE_MAX - 1);
		EXPECT_EQ(bi.nr_warnings, len < BOOT_CMDLINE_MAX ? 0 : 1);
	}
}

/* A string is read only up to what boot_info keeps: one with no NUL in the
 * 512 bytes before the end of memory is cut, not an error. */
TEST(command_line_reads_no_further_than_it_keeps)
{
	struct hvm_start_info si = ref_start_info();
	uint64_t at = SIM_BASE + SIM_SIZE - BOOT_CMDLINE_MAX;

	build_realistic(&p);
	memset(p.mem + (at - SIM_BASE), 'x', BOOT_CMDLINE_MAX);
	si.cmdline_paddr = at;
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	EXPECT_EQ(bi.nr_warnings, 1);
}

TEST(module_string_is_cut_to_63_bytes)
{
	char s[100];

	build_realistic(&p);
	memset(s, 'm', 80);
	s[80] = '\0';
	pvh_str(&p, REF_MODNAME, s);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(strlen(bi.modules[0].cmdline), sizeof(bi.modules[0].cmdline) - 1);
	EXPECT_EQ(bi.nr_warnings, 1);
}

/* 40 modules: 32 kept; the other 8 are not even read (their strings point
 * nowhere readable), and count one warning. */
TEST(modules_past_boot_modules_max_are_skipped_unread)
{
	struct hvm_start_info si = ref_start_info();

	build_realistic(&p);
	si.nr_modules = 40;
	for (uint32_t i = 0; i < si.nr_modules; i++) {
		struct hvm_modlist_entry e = { 0x100000 + i * 0x1000ull, 0x800,
					       i < BOOT_MODULES_MAX ? REF_MODNAME : 0xbad00000, 0 };

		pvh_put(&p, REF_MODLIST + i * sizeof(e), &e, sizeof(e));
	}
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_modules, BOOT_MODULES_MAX);
	EXPECT_EQ(bi.modules[BOOT_MODULES_MAX - 1].start, 0x100000 + (BOOT_MODULES_MAX - 1) * 0x1000ull);
	EXPECT_EQ(bi.modules[BOOT_MODULES_MAX - 1].end, 0x100800 + (BOOT_MODULES_MAX - 1) * 0x1000ull);
	EXPECT_STREQ(bi.modules[BOOT_MODULES_MAX - 1].cmdline, REF_MODNAME_S);
	EXPECT_EQ(bi.nr_warnings, 1);
}

TEST(empty_module_is_kept)
{
	build_realistic(&p);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.modules[1].start, bi.modules[1].end);
}

TEST(memory_map_past_e820_max_entries_is_cut)
{
	static struct e820_entry big[E820_MAX_ENTRIES + 5];
	struct hvm_start_info si = ref_start_info();

	for (size_t i = 0; i < E820_MAX_ENTRIES + 5; i++)
		big[i] = (struct e820_entry){ i << 20, 1 << 20, i % 5 + 1 };
	build_realistic(&p);
	put_memmap(&p, REF_MEMMAP, big, E820_MAX_ENTRIES + 5);
	si.memmap_entries = E820_MAX_ENTRIES + 5;
	si.modlist_paddr = REF_MEMMAP + 0x2000;         /* out of the big map's way */
	pvh_put(&p, si.modlist_paddr, ref_mods, sizeof(ref_mods));
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_e820, E820_MAX_ENTRIES);
	EXPECT_EQ(bi.e820[E820_MAX_ENTRIES - 1].addr, (uint64_t)(E820_MAX_ENTRIES - 1) << 20);
	EXPECT_EQ(bi.e820[E820_MAX_ENTRIES - 1].type, (E820_MAX_ENTRIES - 1) % 5 + 1);
	EXPECT_EQ(bi.nr_warnings, 1);
}

/* Types are copied as given: judging them is e820's job (test_e820.c). */
TEST(memory_map_types_are_kept_as_given)
{
	static const struct e820_entry odd[3] = {
		{ 0x1000, 0, 0 }, { 0x0, 0x1000, 0x7777 }, { ~0ull, 0x2000, E820_TYPE_PMEM },
	};
	struct hvm_start_info si = ref_start_info();

	build_realistic(&p);
	put_memmap(&p, REF_MEMMAP, odd, 3);
	si.memmap_entries = 3;
	put_start_info(&p, REF_INFO, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_e820, 3);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(bi.e820[i].addr, odd[i].addr);
		EXPECT_EQ(bi.e820[i].size, odd[i].size);
		EXPECT_EQ(bi.e820[i].type, odd[i].type);
	}
}

/* "Must be zero" fields that are not: one warning each, parsed anyway. */
TEST(nonzero_reserved_fields_count_warnings)
{
	struct hvm_start_info si = ref_start_info();
	struct hvm_modlist_entry m = ref_mods[0];
	struct hvm_memmap_table_entry e = { 0, 0x9fc00, 1, 0x55 };

	build_realistic(&p);
	si.reserved = 1;
	m.reserved = 2;
	put_start_info(&p, REF_INFO, &si);
	pvh_put(&p, REF_MODLIST, &m, sizeof(m));
	pvh_put(&p, REF_MEMMAP, &e, sizeof(e));
	EXPECT_EQ(parse_pvh(&p, REF_INFO), 0);
	EXPECT_EQ(bi.nr_warnings, 3);
	EXPECT_EQ(bi.nr_modules, 2);
	EXPECT_EQ(bi.nr_e820, 7);
}

/* Unaligned placement is legal (the ABI asks for none): fields are copied. */
TEST(unaligned_structures_parse)
{
	struct hvm_start_info si = ref_start_info();

	build_realistic(&p);
	si.memmap_paddr = REF_MEMMAP + 3;
	si.modlist_paddr = REF_MODLIST + 5;
	put_memmap(&p, si.memmap_paddr, ref_memmap, 7);
	pvh_put(&p, si.modlist_paddr, ref_mods, sizeof(ref_mods));
	put_start_info(&p, REF_INFO + 1, &si);
	EXPECT_EQ(parse_pvh(&p, REF_INFO + 1), 0);
	EXPECT_EQ(bi.nr_e820, 7);
	EXPECT_EQ(bi.e820[6].addr, ref_memmap[6].addr);
	EXPECT_EQ(bi.modules[0].end, ref_mods[0].paddr + ref_mods[0].size);
}
