/* The PVH start-info parser (contract in kernel/pvh.h).
 *
 *   EBX -> hvm_start_info (40 bytes in version 0, 56 from version 1)
 *            modlist_paddr -> hvm_modlist_entry[nr_modules]
 *                               cmdline_paddr -> "module string"
 *            cmdline_paddr -> "kernel command line"
 *            rsdp_paddr    -> the ACPI RSDP (20 bytes, 36 from revision 2)
 *            memmap_paddr  -> hvm_memmap_table_entry[memmap_entries]
 *
 * Every pointer is followed only after map_phys says the whole range it
 * covers is readable, and every structure is copied out with memcpy, so a
 * hostile start info can make us reject it but never makes us read outside
 * what the caller allows. A count that would make an array larger than
 * readable memory (nr_modules = 0xffffffff) fails at that check; entries
 * past what boot_info holds are not read at all. The host unit tests
 * (tests/unit/test_pvh*.c) run this file under ASan and UBSan.
 */
#include "kernel/pvh.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

#define RSDP_V1_LEN     20      /* ACPI 1.0 RSDP */
#define RSDP_V2_LEN     36      /* ACPI 2.0+ RSDP: revision (byte 15) >= 2 */
#define RSDP_REVISION   15

struct pvh_ctx {
	boot_map_phys_t map;
	struct boot_info *bi;
	struct boot_err err;
};

/* The array of n entries of esize bytes at phys, readable as a whole; NULL
 * if it is not (n * esize cannot overflow: n < 2^32, esize <= 32). */
static const uint8_t *map_array(struct pvh_ctx *c, uint64_t phys, uint32_t n, size_t esize)
{
	return c->map(phys, (size_t)n * esize);
}

/* Copy the NUL-terminated string at physical phys into dst[dstlen] (an
 * empty string when phys is 0, "not present"). A string longer than dst
 * is cut with a warning: only dstlen bytes are ever looked at. -EFAULT,
 * for the caller to name, if a byte before the NUL (or the cut) cannot
 * be read. */
static int copy_string(struct pvh_ctx *c, uint64_t phys, char *dst, size_t dstlen)
{
	size_t n;

	dst[0] = '\0';
	if (!phys)
		return 0;
	for (n = 0; n < dstlen; n++) {
		const char *p = phys + n < phys ? NULL : c->map(phys + n, 1);

		if (!p)
			return -EFAULT;
		if (*p == '\0')
			break;
		dst[n] = *p;
	}
	if (n == dstlen) {
		n = dstlen - 1;
		c->bi->nr_warnings++;
	}
	dst[n] = '\0';
	return 0;
}

/* The module list: each entry present (paddr != 0), not wrapping. Entries
 * past BOOT_MODULES_MAX are skipped with one warning, unread. */
static int parse_modules(struct pvh_ctx *c, const struct hvm_start_info *si)
{
	const uint8_t *list;
	uint32_t n = si->nr_modules;

	if (!n)
		return 0;
	if (!si->modlist_paddr)
		return boot_info_fail(&c->err, "pvh: %u modules but modlist_paddr is 0", n);
	list = map_array(c, si->modlist_paddr, n, sizeof(struct hvm_modlist_entry));
	if (!list)
		return boot_info_fail(&c->err, "pvh: module list (%u entries) at 0x%llx is not readable",
			    n, (unsigned long long)si->modlist_paddr);
	for (uint32_t i = 0; i < n; i++) {
		struct hvm_modlist_entry e;
		struct boot_module *m;

		memcpy(&e, list + (size_t)i * sizeof(e), sizeof(e));
		if (!e.paddr)
			return boot_info_fail(&c->err, "pvh: module %u has paddr 0 (not present)", i);
		if (e.paddr + e.size < e.paddr)
			return boot_info_fail(&c->err, "pvh: module %u at 0x%llx with size 0x%llx wraps past 2^64",
				    i, (unsigned long long)e.paddr, (unsigned long long)e.size);
		if (e.reserved)
			c->bi->nr_warnings++;
		m = boot_info_add_module(c->bi, e.paddr, e.paddr + e.size);
		if (!m)
			return 0;       /* the rest stay unread: nothing could keep them */
		if (copy_string(c, e.cmdline_paddr, m->cmdline, sizeof(m->cmdline)))
			return boot_info_fail(&c->err, "pvh: module %u's string at 0x%llx is not readable",
				    i, (unsigned long long)e.cmdline_paddr);
	}
	return 0;
}

/* The memory map (version >= 1): copied as given, e820 judges it later.
 * Entries past E820_MAX_ENTRIES are dropped with one warning, unread. */
static int parse_memmap(struct pvh_ctx *c, const struct hvm_start_info *si)
{
	const uint8_t *map;
	uint32_t n = si->memmap_entries;

	if (si->version < 1 || !n)
		return 0;
	if (!si->memmap_paddr)
		return boot_info_fail(&c->err, "pvh: %u memory map entries but memmap_paddr is 0", n);
	map = map_array(c, si->memmap_paddr, n, sizeof(struct hvm_memmap_table_entry));
	if (!map)
		return boot_info_fail(&c->err, "pvh: memory map (%u entries) at 0x%llx is not readable",
			    n, (unsigned long long)si->memmap_paddr);
	for (uint32_t i = 0; i < n; i++) {
		struct hvm_memmap_table_entry e;

		memcpy(&e, map + (size_t)i * sizeof(e), sizeof(e));
		if (e.reserved)
			c->bi->nr_warnings++;
		if (!boot_info_add_e820(c->bi, e.addr, e.size, e.type))
			break;
	}
	return 0;
}

/* The RSDP is copied, not judged (drivers/acpi.c checks its checksums and
 * scans for another one if they fail): 20 bytes, 36 if its revision says
 * ACPI 2.0+. */
static int parse_rsdp(struct pvh_ctx *c, uint64_t phys)
{
	const uint8_t *p;

	if (!phys)
		return 0;
	p = c->map(phys, RSDP_V1_LEN);
	if (p && p[RSDP_REVISION] >= 2)
		p = c->map(phys, RSDP_V2_LEN);
	if (!p)
		return boot_info_fail(&c->err, "pvh: RSDP at 0x%llx is not readable", (unsigned long long)phys);
	if (p[RSDP_REVISION] >= 2)
		boot_info_set_rsdp(c->bi, p, RSDP_V2_LEN, 2);
	else
		boot_info_set_rsdp(c->bi, p, RSDP_V1_LEN, 1);
	return 0;
}

/* Read the fixed part: its magic and version decide how much there is. */
static int read_start_info(struct pvh_ctx *c, uint64_t phys, struct hvm_start_info *si,
			   size_t *size)
{
	const void *p = phys ? c->map(phys, PVH_START_INFO_V0_SIZE) : NULL;

	memset(si, 0, sizeof(*si));
	if (!phys)
		return boot_info_fail(&c->err, "pvh: no start info (EBX is 0)");
	if (!p)
		return boot_info_fail(&c->err, "pvh: start info at 0x%llx is not readable", (unsigned long long)phys);
	memcpy(si, p, PVH_START_INFO_V0_SIZE);
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		return boot_info_fail(&c->err, "pvh: start info at 0x%llx has magic 0x%x (expected 0x%x)",
			    (unsigned long long)phys, si->magic, XEN_HVM_START_MAGIC_VALUE);
	*size = PVH_START_INFO_V0_SIZE;
	if (si->version < 1)
		return 0;
	*size = sizeof(*si);
	p = c->map(phys, sizeof(*si));
	if (!p)
		return boot_info_fail(&c->err, "pvh: start info version %u at 0x%llx is not readable (0x%zx bytes)",
			    si->version, (unsigned long long)phys, sizeof(*si));
	memcpy(si, p, sizeof(*si));
	if (si->reserved)
		c->bi->nr_warnings++;
	return 0;
}

int pvh_parse(uint64_t start_info, boot_map_phys_t map_phys, struct boot_info *bi,
	      char *err, size_t errlen)
{
	struct pvh_ctx c = { .map = map_phys, .bi = bi, .err = { err, errlen } };
	struct hvm_start_info si;
	size_t size = 0;
	int ret;

	memset(bi, 0, sizeof(*bi));
	if (err && errlen)
		err[0] = '\0';
	ret = read_start_info(&c, start_info, &si, &size);
	if (!ret && copy_string(&c, si.cmdline_paddr, bi->cmdline, sizeof(bi->cmdline)))
		ret = boot_info_fail(&c.err, "pvh: command line at 0x%llx is not readable",
			   (unsigned long long)si.cmdline_paddr);
	if (!ret)
		ret = parse_modules(&c, &si);
	if (!ret)
		ret = parse_memmap(&c, &si);
	if (!ret)
		ret = parse_rsdp(&c, si.rsdp_paddr);
	if (ret) {
		memset(bi, 0, sizeof(*bi));
		return ret;
	}
	bi->protocol = "pvh";
	/* the start info does not say who built it (QEMU, Xen, a VMM...) */
	snprintf(bi->loader_name, sizeof(bi->loader_name), "PVH direct boot, start info v%u",
		 si.version);
	bi->info_phys = start_info;
	bi->info_size = size;
	return 0;
}
