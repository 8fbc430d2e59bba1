/* Shared by the PVH host tests (test_pvh.c, test_pvh_corrupt.c): simulated
 * physical memory that kernel/pvh.c's parser reads through a map_phys
 * callback, a builder that lays out a start info and what it points to
 * (xen's arch-x86/hvm/start_info.h), the QEMU-like layout and its reference
 * values, and helpers that run the parser.
 *
 * The simulated memory is an exact-size heap buffer for the physical range
 * [SIM_BASE, SIM_BASE + sim.size): map_phys refuses anything outside it, and
 * ASan catches the parser reading past the length it asked for at the top.
 * Include after tests/unit/unit.h (the checks use its EXPECT_* macros).
 */
#ifndef TESTS_UNIT_PVH_BUILDER_H
#define TESTS_UNIT_PVH_BUILDER_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/pvh_builder.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/pvh.h"
#include "kernel/errno.h"

/* ---- simulated physical memory ---------------------------------------------- */

#define SIM_BASE  0x1000ull            /* page 0 is never there: 0 means "absent" */
#define SIM_SIZE  0x10000ull

static struct {
	uint8_t *mem;           /* heap, exactly `size` bytes */
	uint64_t size;
	unsigned long maps;     /* map_phys calls, to see what was read */
} sim;

static const void *sim_map(uint64_t phys, size_t len)
{
	sim.maps++;
	if (phys < SIM_BASE || phys - SIM_BASE > sim.size || len > sim.size - (phys - SIM_BASE))
		return NULL;
	return sim.mem + (phys - SIM_BASE);
}

/* The builder's view: the whole SIM_SIZE range, copied to the heap by run. */
struct pvh {
	uint8_t mem[SIM_SIZE];
};

static inline void pvh_put(struct pvh *p, uint64_t phys, const void *src, size_t len)
{
	memcpy(p->mem + (phys - SIM_BASE), src, len);
}

static inline void pvh_str(struct pvh *p, uint64_t phys, const char *s)
{
	pvh_put(p, phys, s, strlen(s) + 1);
}

/* ---- the QEMU-like layout and its reference values ----------------------------- */

#define REF_INFO      0x21e0ull        /* where QEMU's pvh.bin puts its start info */
#define REF_MEMMAP    0x3000ull
#define REF_CMDLINE   0x4000ull
#define REF_MODNAME   0x4800ull
#define REF_MODLIST   0x5000ull
#define REF_RSDP      0x6000ull
#define REF_CMDLINE_S "console=ttyS0 loglevel=7 hello=pvh"
#define REF_MODNAME_S "initramfs"

static const struct e820_entry ref_memmap[7] = {      /* QEMU -m 256M, pc */
	{ 0x0,          0x9fc00,      E820_TYPE_RAM },
	{ 0x9fc00,      0x400,        E820_TYPE_RESERVED },
	{ 0xf0000,      0x10000,      E820_TYPE_RESERVED },
	{ 0x100000,     0xfee0000,    E820_TYPE_RAM },
	{ 0xffe0000,    0x20000,      E820_TYPE_RESERVED },
	{ 0xfffc0000,   0x40000,      E820_TYPE_RESERVED },
	{ 0xfd00000000, 0x300000000,  E820_TYPE_RESERVED },
};

static const struct hvm_modlist_entry ref_mods[2] = {
	{ 0xff53000, 0x84a80, REF_MODNAME, 0 },
	{ 0x200000,  0,       0,           0 },
};

/* ACPI 2.0 RSDP: revision (byte 15) 2, so all 36 bytes count. */
static const uint8_t ref_rsdp[36] = "RSD PTR \x77" "QEMU  \x02\x10\xe0\xfe\x07\x24\x00\x00\x00"
				    "\x00\xe1\xfe\x07\x00\x00\x00\x00\x99\x00\x00\x00";

static inline struct hvm_start_info ref_start_info(void)
{
	return (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1, .flags = 0,
		.nr_modules = 2, .modlist_paddr = REF_MODLIST, .cmdline_paddr = REF_CMDLINE,
		.rsdp_paddr = REF_RSDP, .memmap_paddr = REF_MEMMAP, .memmap_entries = 7,
	};
}

static inline void put_memmap(struct pvh *p, uint64_t phys, const struct e820_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct hvm_memmap_table_entry m = { e[i].addr, e[i].size, e[i].type, 0 };

		pvh_put(p, phys + i * sizeof(m), &m, sizeof(m));
	}
}

static inline void put_start_info(struct pvh *p, uint64_t phys, const struct hvm_start_info *si)
{
	pvh_put(p, phys, si, sizeof(*si));
}

/* What QEMU's option ROM hands a kernel booted with -initrd (plus an empty
 * second module), everything in its place. */
static inline void build_realistic(struct pvh *p)
{
	struct hvm_start_info si = ref_start_info();

	memset(p, 0, sizeof(*p));
	put_start_info(p, REF_INFO, &si);
	put_memmap(p, REF_MEMMAP, ref_memmap, 7);
	pvh_str(p, REF_CMDLINE, REF_CMDLINE_S);
	pvh_str(p, REF_MODNAME, REF_MODNAME_S);
	pvh_put(p, REF_MODLIST, ref_mods, sizeof(ref_mods));
	pvh_put(p, REF_RSDP, ref_rsdp, sizeof(ref_rsdp));
}

/* ---- running the parser ------------------------------------------------------ */

static char err[256];
static struct boot_info bi;

/* Parse the start info at `info` with the first `size` bytes of p readable. */
static inline int parse_n(const struct pvh *p, uint64_t info, uint64_t size)
{
	int ret;

	sim.mem = malloc(size ? size : 1);
	sim.size = size;
	sim.maps = 0;
	memcpy(sim.mem, p->mem, size);
	memset(err, 0x5a, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	ret = pvh_parse(info, sim_map, &bi, err, sizeof(err));
	free(sim.mem);
	return ret;
}

static inline int parse_pvh(const struct pvh *p, uint64_t info)
{
	return parse_n(p, info, SIM_SIZE);
}

/* Every field the realistic layout sets, against the builder's inputs. */
static inline void check_realistic(const struct boot_info *b)
{
	EXPECT_STREQ(b->protocol, "pvh");
	EXPECT_STREQ(b->loader_name, "PVH direct boot, start info v1");
	EXPECT_EQ(b->info_phys, REF_INFO);
	EXPECT_EQ(b->info_size, 56);
	EXPECT_STREQ(b->cmdline, REF_CMDLINE_S);
	EXPECT_EQ(b->nr_modules, 2);
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(b->modules[i].start, ref_mods[i].paddr);
		EXPECT_EQ(b->modules[i].end, ref_mods[i].paddr + ref_mods[i].size);
	}
	EXPECT_STREQ(b->modules[0].cmdline, REF_MODNAME_S);
	EXPECT_STREQ(b->modules[1].cmdline, "");
	EXPECT_EQ(b->nr_e820, 7);
	for (int i = 0; i < 7; i++) {
		EXPECT_EQ(b->e820[i].addr, ref_memmap[i].addr);
		EXPECT_EQ(b->e820[i].size, ref_memmap[i].size);
		EXPECT_EQ(b->e820[i].type, ref_memmap[i].type);
	}
	EXPECT_EQ(b->rsdp_version, 2);
	EXPECT_EQ(b->rsdp_len, 36);
	EXPECT_MEMEQ(b->rsdp, ref_rsdp, 36);
	EXPECT_TRUE(!b->has_basic_meminfo && !b->has_framebuffer);
	EXPECT_EQ(b->nr_warnings, 0);
}

/* An error report is one non-empty line that says who is complaining. */
static inline void expect_einval(int ret)
{
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TRUE(strnlen(err, sizeof(err)) < sizeof(err));
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	EXPECT_TRUE(strncmp(err, "pvh: ", 5) == 0);
}

static inline void expect_err_contains(const char *needle)
{
	if (!strstr(err, needle))
		EXPECT_STREQ(err, needle);      /* prints both */
}

#endif
