/* ACPI at boot (drivers/acpi.h): find the RSDP, walk the RSDT or XSDT, and
 * keep what the kernel needs from the MADT, FADT, DSDT and HPET tables.
 *
 *   RSDP --> XSDT (or RSDT) --> FACP --> DSDT      (\_S5: how to power off)
 *                           --> APIC  (the MADT: LAPIC, IO-APICs, overrides)
 *                           --> MCFG  (where ECAM is: drivers/pci_conf.c)
 *                           --> HPET, SSDT, ...
 *
 * Tables are read through early_memremap, one at a time: each is mapped,
 * read and unmapped before the next is mapped (a table's header is mapped
 * first, alone, to learn its length). Nothing points into a table after
 * boot: acpi_info holds copies. Every table is untrusted: a bad signature,
 * length or checksum gives one line and the table's contents are not used.
 * The parsing that needs no mapping is in drivers/acpi_tables.c.
 *
 * Section numbers are the ACPI Specification 6.5's. */
#include "drivers/acpi.h"
#include "kernel/init.h"
#include "kernel/boot_info.h"
#include "kernel/errno.h"
#include "kernel/io.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "kernel/types.h"
#include "mm/early_ioremap.h"
#include "mm/fixmap.h"
#include "mm/memblock.h"

struct acpi_info acpi_info;

/* 5.2.6: the header every table but the RSDP (and FACS) starts with. */
struct acpi_table_header {
	char     signature[4];
	uint32_t length;                /* of the whole table, header included */
	uint8_t  revision;
	uint8_t  checksum;              /* makes the whole table sum to 0 */
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	uint32_t asl_compiler_id;
	uint32_t asl_compiler_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI table header is 36 bytes");

/* 5.2.5.3, Root System Description Pointer (RSDP) Structure. */
struct acpi_table_rsdp {
	char     signature[8];          /* "RSD PTR " */
	uint8_t  checksum;              /* over the first 20 bytes */
	char     oem_id[6];
	uint8_t  revision;              /* 0: ACPI 1.0; 2: 2.0 and later */
	uint32_t rsdt_physical_address;
	uint32_t length;                /* revision 2+ from here on */
	uint64_t xsdt_physical_address;
	uint8_t  extended_checksum;     /* over `length` bytes */
	uint8_t  reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_rsdp) == 36, "ACPI 2.0 RSDP is 36 bytes");

/* 5.2.5.1: on IA-PC, the RSDP sits on a 16-byte boundary in the first
 * KiB of the EBDA (whose real-mode segment is the word at 40:0Eh) or in
 * the BIOS area 0xE0000-0xFFFFF. */
#define EBDA_SEGMENT_PTR 0x40e
#define EBDA_SCAN_SIZE   1024
#define BIOS_AREA_START  0xe0000
#define BIOS_AREA_SIZE   0x20000
#define LOW_MEM_END      0xa0000        /* the EBDA lies below the VGA hole */

/* FADT fields (5.2.9, Fixed ACPI Description Table), byte offsets. */
#define FADT_DSDT          40           /* u32 */
#define FADT_SMI_CMD       48           /* u32, an I/O port */
#define FADT_ACPI_ENABLE   52           /* u8 */
#define FADT_PM1A_CNT_BLK  64           /* u32, an I/O port */
#define FADT_X_DSDT        140          /* u64, ACPI 2.0+; wins when nonzero */

/* HPET table (IA-PC HPET spec 1.0a, 3.2.4): a Generic Address Structure
 * (ACPI 5.2.3.2) at 40 whose first byte is the address space (0: memory)
 * and whose 64-bit Address is at 44. */
#define HPET_BASE_SPACE_ID 40
#define HPET_BASE_ADDRESS  44

/* PM1 control register bits (4.8.3.2.1, PM1 Control Registers). */
#define ACPI_SLP_TYP_SHIFT 10           /* SLP_TYPx: bits 12:10 */
#define ACPI_SLP_TYP_MASK  (7 << ACPI_SLP_TYP_SHIFT)
#define ACPI_SLP_EN        (1 << 13)
#define ACPI_SCI_EN        (1 << 0)          /* PM1 control: ACPI mode on */

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Copies an n-byte name from a table into dst (n + 1 bytes), stopping at a
 * NUL and showing bytes that are not printable ASCII as '?'. */
static void acpi_copy_name(char *dst, const char *src, int n)
{
	int i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* A table signature is four of A-Z, 0-9 and '_' (a NameSeg, 20.2.2). */
static bool acpi_signature_valid(const char *sig)
{
	for (int i = 0; i < 4; i++) {
		char c = sig[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* True if [phys, phys + len) fits one early_memremap: NR_FIX_BTMAPS pages
 * counted from phys's page. */
static bool acpi_fits_one_map(uint64_t phys, uint64_t len)
{
	return ((phys & ~PAGE_MASK) + len + PAGE_SIZE - 1) / PAGE_SIZE <= NR_FIX_BTMAPS;
}

/* ---- finding the RSDP ------------------------------------------------- */

/* Scans [base, base + size) on 16-byte boundaries. Returns 0 and fills
 * *rsdp (zeroed beyond what the found revision defines) and *phys, or
 * -ENODEV. The area is unmapped before return. */
static int acpi_scan_rsdp(uint64_t base, uint32_t size, struct acpi_table_rsdp *rsdp,
			  uint64_t *phys)
{
	const uint8_t *p = early_memremap(base, size);
	int ret = -ENODEV;

	if (!p)
		return -ENODEV;
	for (uint32_t off = 0; off + 20 <= size; off += 16) {
		if (memcmp(p + off, "RSD PTR ", 8) || !acpi_rsdp_valid(p + off, size - off))
			continue;
		memset(rsdp, 0, sizeof(*rsdp));
		memcpy(rsdp, p + off, p[off + 15] >= 2 ? 36 : 20);
		*phys = base + off;
		ret = 0;
		break;
	}
	early_memunmap((void *)p, size);
	return ret;
}

/* The loader's copy first (multiboot2 tags 14/15), then the scan of 5.2.5.1. */
static int acpi_find_rsdp(struct acpi_table_rsdp *rsdp, uint64_t *phys)
{
	uint32_t len = min_t(uint32_t, boot_info.rsdp_len, BOOT_RSDP_MAX);
	uint16_t *segp, seg;
	uint64_t ebda;

	if (boot_info.rsdp_version) {
		if (acpi_rsdp_valid(boot_info.rsdp, len)) {
			memset(rsdp, 0, sizeof(*rsdp));
			memcpy(rsdp, boot_info.rsdp, boot_info.rsdp[15] >= 2 ? 36 : 20);
			*phys = 0;
			return 0;
		}
		pr_warn("ACPI: the boot loader's RSDP copy (%u bytes) is invalid; scanning memory\n", len);
	}
	segp = early_memremap(EBDA_SEGMENT_PTR, 2);
	if (segp) {
		memcpy(&seg, segp, 2);
		early_memunmap(segp, 2);
		ebda = (uint64_t)seg << 4;
		if (ebda >= 0x400 && ebda < LOW_MEM_END &&
		    !acpi_scan_rsdp(ebda, LOW_MEM_END - ebda < EBDA_SCAN_SIZE ?
				    LOW_MEM_END - ebda : EBDA_SCAN_SIZE, rsdp, phys))
			return 0;
	}
	return acpi_scan_rsdp(BIOS_AREA_START, BIOS_AREA_SIZE, rsdp, phys);
}

/* ---- mapping and checking one table ----------------------------------- */

/* Adds a table to acpi_info.tables, not yet checksummed; NULL when full
 * (one warning the first time). */
static struct acpi_table_info *acpi_record(uint64_t phys, const struct acpi_table_header *h)
{
	static bool warned;
	struct acpi_table_info *ti;

	if (acpi_info.nr_tables == ACPI_MAX_TABLES) {
		if (!warned)
			pr_warn("ACPI: more than %d tables; the one at 0x%016llx and later ones not listed\n",
				ACPI_MAX_TABLES, (unsigned long long)phys);
		warned = true;
		return NULL;
	}
	ti = &acpi_info.tables[acpi_info.nr_tables++];
	acpi_copy_name(ti->signature, h->signature, 4);
	acpi_copy_name(ti->oem_id, h->oem_id, 6);
	ti->phys = phys;
	ti->length = h->length;
	ti->revision = h->revision;
	ti->checksum_ok = false;
	ti->checked = false;
	return ti;
}

/* Reads the 36-byte header of the table at phys (mapped alone, then
 * unmapped) and records the table; false after one line if it cannot. */
static bool acpi_read_header(uint64_t phys, struct acpi_table_header *h,
			     struct acpi_table_info **ti)
{
	const void *t = early_memremap(phys, sizeof(*h));

	if (!t) {
		pr_warn("ACPI: table at 0x%016llx: header cannot be mapped; skipped\n",
			(unsigned long long)phys);
		return false;
	}
	memcpy(h, t, sizeof(*h));
	early_memunmap((void *)t, sizeof(*h));
	*ti = acpi_record(phys, h);
	return true;
}

/* Whether a header can be trusted enough to map the table: its signature
 * (`expect`, or any valid one if NULL) and its length (>= 36, one
 * early_memremap at most). One line naming the problem if not. */
static bool acpi_header_ok(uint64_t phys, const struct acpi_table_header *h,
			   const char *expect, const char *sig)
{
	if (expect ? memcmp(h->signature, expect, 4) : !acpi_signature_valid(h->signature)) {
		pr_warn("ACPI: table at 0x%016llx: signature \"%s\" is not %s; ignored\n",
			(unsigned long long)phys, sig, expect ? expect : "a valid one");
		return false;
	}
	if (h->length < sizeof(*h)) {
		pr_warn("ACPI: %s at 0x%016llx: length %u is under its 36-byte header; ignored\n",
			sig, (unsigned long long)phys, h->length);
		return false;
	}
	if (!acpi_fits_one_map(phys, h->length)) {
		pr_warn("ACPI: %s at 0x%016llx: length %u is over one early_memremap (%d pages); checksum not checked, not used\n",
			sig, (unsigned long long)phys, h->length, NR_FIX_BTMAPS);
		return false;
	}
	return true;
}

/* Maps the table at phys whole, after reading its header alone: records
 * it, checks its header, then its checksum. Returns the mapping, its
 * length in *lenp (the caller unmaps it), or NULL after one line saying
 * why. */
static const uint8_t *acpi_map_table(uint64_t phys, const char *expect, uint32_t *lenp)
{
	struct acpi_table_header h;
	struct acpi_table_info *ti;
	const uint8_t *t;
	char sig[5];
	uint8_t sum;

	if (!acpi_read_header(phys, &h, &ti))
		return NULL;
	acpi_copy_name(sig, h.signature, 4);
	if (!acpi_header_ok(phys, &h, expect, sig))
		return NULL;
	t = early_memremap(phys, h.length);
	if (!t) {
		pr_warn("ACPI: %s at 0x%016llx: cannot be mapped; ignored\n",
			sig, (unsigned long long)phys);
		return NULL;
	}
	sum = acpi_checksum(t, h.length);
	if (ti)
		ti->checked = true;
	if (sum) {
		pr_warn("ACPI: %s at 0x%016llx: checksum BAD (bytes sum to 0x%02x, not 0); ignored\n",
			sig, (unsigned long long)phys, sum);
		early_memunmap((void *)t, h.length);
		return NULL;
	}
	if (ti)
		ti->checksum_ok = true;
	*lenp = h.length;
	return t;
}

/* ---- the tables we read ------------------------------------------------ */

/* The DSDT (5.2.11.1): AML, in which we look only for \_S5. */
static void acpi_read_dsdt(uint64_t phys)
{
	const uint8_t *t;
	uint32_t len;

	t = acpi_map_table(phys, "DSDT", &len);
	if (!t)
		return;
	acpi_info.have_s5 = acpi_find_s5(t + sizeof(struct acpi_table_header),
					 len - sizeof(struct acpi_table_header),
					 &acpi_info.s5_slp_typa);
	early_memunmap((void *)t, len);
	if (!acpi_info.have_s5)
		pr_info("ACPI: no \\_S5 package in the DSDT; poweroff cannot use ACPI\n");
}

/* The FADT: the PM1a control port, and where the DSDT is (returned, 0 if
 * the table is too short to say). */
static uint64_t acpi_parse_fadt(const uint8_t *t, uint32_t len)
{
	uint64_t dsdt = 0;

	if (len >= FADT_PM1A_CNT_BLK + 4) {
		acpi_info.pm1a_cnt_blk = get32(t + FADT_PM1A_CNT_BLK);
		acpi_info.smi_cmd = get32(t + FADT_SMI_CMD);
		acpi_info.acpi_enable = t[FADT_ACPI_ENABLE];
	}
	if (len >= FADT_DSDT + 4)
		dsdt = get32(t + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8 && get64(t + FADT_X_DSDT))
		dsdt = get64(t + FADT_X_DSDT);
	return dsdt;
}

static void acpi_parse_hpet(const uint8_t *t, uint32_t len, uint64_t phys)
{
	if (len < HPET_BASE_ADDRESS + 8) {
		pr_warn("ACPI: HPET at 0x%016llx: length %u, too short for its base address; ignored\n",
			(unsigned long long)phys, len);
		return;
	}
	if (t[HPET_BASE_SPACE_ID] != 0) {
		pr_warn("ACPI: HPET at 0x%016llx: base in address space %u, not memory; ignored\n",
			(unsigned long long)phys, t[HPET_BASE_SPACE_ID]);
		return;
	}
	acpi_info.hpet_address = get64(t + HPET_BASE_ADDRESS);
}

/* One table the RSDT/XSDT lists. The first MADT, FADT and HPET are used;
 * a second one is only listed. The FADT's DSDT is read after the FADT is
 * unmapped. */
static void acpi_read_table(uint64_t phys)
{
	static bool have_madt, have_fadt, have_hpet, have_mcfg;
	uint64_t dsdt = 0;
	const uint8_t *t;
	uint32_t len;
	bool *seen = NULL;

	t = acpi_map_table(phys, NULL, &len);
	if (!t)
		return;
	if (!memcmp(t, "APIC", 4))
		seen = &have_madt;
	else if (!memcmp(t, "FACP", 4))
		seen = &have_fadt;
	else if (!memcmp(t, "HPET", 4))
		seen = &have_hpet;
	else if (!memcmp(t, "MCFG", 4))
		seen = &have_mcfg;
	if (seen && *seen) {
		pr_warn("ACPI: a second %.4s at 0x%016llx; ignored\n", (const char *)t,
			(unsigned long long)phys);
	} else if (seen == &have_madt) {
		acpi_parse_madt(t, len, &acpi_info);
	} else if (seen == &have_fadt) {
		dsdt = acpi_parse_fadt(t, len);
	} else if (seen == &have_hpet) {
		acpi_parse_hpet(t, len, phys);
	} else if (seen == &have_mcfg) {
		acpi_parse_mcfg(t, len, &acpi_info);
	}
	if (seen)
		*seen = true;
	early_memunmap((void *)t, len);
	if (dsdt)
		acpi_read_dsdt(dsdt);
	else if (seen == &have_fadt)
		pr_warn("ACPI: FACP at 0x%016llx names no DSDT\n", (unsigned long long)phys);
}

/* The root table (5.2.7 RSDT: u32 entries; 5.2.8 XSDT: u64 entries, after
 * the header). Its entries are copied out and the root table unmapped
 * before any of them is mapped. Returns 0, or -EINVAL if it is unusable. */
static int acpi_read_root(uint64_t phys, bool xsdt)
{
	uint64_t entries[ACPI_MAX_TABLES];
	uint32_t esize = xsdt ? 8 : 4, len, n, room;
	const uint8_t *t;

	t = acpi_map_table(phys, xsdt ? "XSDT" : "RSDT", &len);
	if (!t)
		return -EINVAL;
	n = (len - sizeof(struct acpi_table_header)) / esize;
	/* Keep one slot of the list for the DSDT, which the FADT names. */
	room = acpi_info.nr_tables + 1 < ACPI_MAX_TABLES ? ACPI_MAX_TABLES - acpi_info.nr_tables - 1 : 0;
	if (n > room) {
		pr_warn("ACPI: %s lists %u tables; only the first %u are read\n",
			xsdt ? "XSDT" : "RSDT", n, room);
		n = room;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + sizeof(struct acpi_table_header) + i * esize;
		entries[i] = xsdt ? get64(e) : get32(e);
	}
	early_memunmap((void *)t, len);
	for (uint32_t i = 0; i < n; i++) {
		if (entries[i])
			acpi_read_table(entries[i]);
		else
			pr_warn("ACPI: %s entry %u is 0; skipped\n", xsdt ? "XSDT" : "RSDT", i);
	}
	return 0;
}

static void acpi_print_summary(const struct acpi_table_rsdp *rsdp)
{
	char oem[7];

	acpi_copy_name(oem, rsdp->oem_id, 6);
	if (acpi_info.rsdp_phys)
		pr_info("ACPI: RSDP 0x%016llX %06X (v%02d %-6s)\n",
			(unsigned long long)acpi_info.rsdp_phys,
			rsdp->revision >= 2 ? rsdp->length : 20, rsdp->revision, oem);
	else
		pr_info("ACPI: RSDP (loader's copy)    %06X (v%02d %-6s)\n",
			rsdp->revision >= 2 ? rsdp->length : 20, rsdp->revision, oem);
	for (uint32_t i = 0; i < acpi_info.nr_tables; i++) {
		const struct acpi_table_info *ti = &acpi_info.tables[i];
		pr_info("ACPI: %-4s 0x%016llX %06X (v%02d %-6s)%s\n", ti->signature,
			(unsigned long long)ti->phys, ti->length, ti->revision, ti->oem_id,
			ti->checksum_ok ? "" : ti->checked ? " checksum BAD: not used" : " rejected: not used");
	}
	if (acpi_info.lapic_address)
		pr_info("ACPI: LAPIC at 0x%llx, %u CPUs, %u IO-APICs\n",
			(unsigned long long)acpi_info.lapic_address, acpi_info.nr_cpus,
			acpi_info.nr_ioapics);
	else
		pr_info("ACPI: no usable MADT: no LAPIC, CPU or IO-APIC information\n");
}

int __init acpi_boot_init(void)
{
	struct acpi_table_rsdp rsdp;
	uint64_t phys;
	bool xsdt;

	if (acpi_find_rsdp(&rsdp, &phys)) {
		pr_warn("ACPI: no valid RSDP (loader's copy, EBDA, 0xE0000-0xFFFFF); running without ACPI\n");
		return -ENODEV;
	}
	acpi_info.found = true;
	acpi_info.rsdp_phys = phys;
	acpi_info.revision = rsdp.revision;
	acpi_copy_name(acpi_info.oem_id, rsdp.oem_id, 6);

	/* 5.2.5.3: with ACPI 2.0+ the XSDT supersedes the RSDT; the RSDT is
	 * the fallback if the XSDT is absent or broken. */
	xsdt = rsdp.revision >= 2 && rsdp.xsdt_physical_address;
	if (xsdt && acpi_read_root(rsdp.xsdt_physical_address, true)) {
		pr_warn("ACPI: XSDT unusable; trying the RSDT\n");
		xsdt = false;
	}
	if (!xsdt) {
		if (!rsdp.rsdt_physical_address)
			pr_warn("ACPI: the RSDP names no RSDT; no tables\n");
		else
			acpi_read_root(rsdp.rsdt_physical_address, false);
	}
	acpi_print_summary(&rsdp);
	if (acpi_info.have_s5 && acpi_info.pm1a_cnt_blk)
		pm_power_off = acpi_power_off;
	return 0;
}

/* Tables the firmware left in usable RAM would otherwise be handed out
 * (and overwritten) as free memory; tables in ACPI-data ranges are not
 * memory and need nothing. */
void __init acpi_reserve_initial_tables(void)
{
	for (uint32_t i = 0; i < acpi_info.nr_tables; i++)
		if (memblock_is_memory(acpi_info.tables[i].phys))
			memblock_reserve(acpi_info.tables[i].phys, acpi_info.tables[i].length);
}

/* Soft off (chapter 16, Waking and Sleeping): write \_S5's SLP_TYPa with
 * SLP_EN set to PM1a_CNT (4.8.3.2.1, PM1 Control Registers). Only PM1a:
 * PM1b_CNT, where a machine has one, is not written. */
/* ACPI mode (SCI_EN, PM1 control bit 0) must be on for SLP_EN to act;
 * firmware that boots in legacy mode switches on a write of ACPI_ENABLE to
 * SMI_CMD (ACPI 16.3.1, "Legacy/ACPI Select"). Waits up to ~300 ms. */
static bool acpi_enter_acpi_mode(uint16_t pm1a)
{
	if (inw(pm1a) & ACPI_SCI_EN)
		return true;
	if (!acpi_info.smi_cmd || !acpi_info.acpi_enable || acpi_info.smi_cmd > 0xffff)
		return false;
	outb(acpi_info.acpi_enable, (uint16_t)acpi_info.smi_cmd);
	for (int i = 0; i < 300; i++) {
		if (inw(pm1a) & ACPI_SCI_EN)
			return true;
		udelay(1000);
	}
	return false;
}

void acpi_power_off(void)
{
	uint16_t port, val;

	if (!acpi_info.pm1a_cnt_blk || !acpi_info.have_s5)
		return;
	if (acpi_info.pm1a_cnt_blk > 0xffff) {
		pr_err("acpi_power_off: PM1a_CNT 0x%x is not an I/O port\n", acpi_info.pm1a_cnt_blk);
		return;
	}
	port = (uint16_t)acpi_info.pm1a_cnt_blk;
	if (!acpi_enter_acpi_mode(port))
		pr_warn("acpi_power_off: SCI_EN stays off (no SMI_CMD handshake); trying anyway\n");
	/* Keep the register's other bits (SCI_EN among them): set SLP_TYPx,
	 * then SLP_EN (PM1 control register, 4.8.3.2.1). PM1b, where a
	 * chipset has one, is not written: QEMU and most PCs have none. */
	val = (inw(port) & ~(ACPI_SLP_TYP_MASK | ACPI_SLP_EN)) |
	      (uint16_t)(acpi_info.s5_slp_typa << ACPI_SLP_TYP_SHIFT);
	pr_info("ACPI: entering S5: PM1a_CNT 0x%x <- 0x%04x\n", port, val | ACPI_SLP_EN);
	outw(val, port);
	outw(val | ACPI_SLP_EN, port);
}

/* ---- the acpi command ---------------------------------------------------- */

/* MPS INTI flags (5.2.12.5, Interrupt Source Override): polarity bits 1:0, trigger bits
 * 3:2; printed as Linux's "ACPI: INT_SRC_OVR" line does. */
static const char *const mps_polarity[] = { "dfl", "high", "res", "low" };
static const char *const mps_trigger[] = { "dfl", "edge", "res", "level" };

/* What the ACPI tables said at boot (`acpi`). */
void acpi_show(void)
{
	if (!acpi_info.found) {
		console_printf("no ACPI: no valid RSDP was found at boot\n");
		return;
	}
	console_printf("RSDP revision %u, OEM \"%s\", %s\n", acpi_info.revision, acpi_info.oem_id,
		       acpi_info.rsdp_phys ? "found in memory" : "the boot loader's copy");
	for (uint32_t i = 0; i < acpi_info.nr_tables; i++) {
		const struct acpi_table_info *ti = &acpi_info.tables[i];
		console_printf("%-4s 0x%016llx length %6u OEM %-6s rev %u  %s\n",
			       ti->signature, (unsigned long long)ti->phys, ti->length,
			       ti->oem_id, ti->revision,
			       ti->checksum_ok ? "checksum ok" : ti->checked ? "checksum BAD" : "rejected, not checked");
	}
	console_printf("LAPIC at 0x%llx, %u CPUs\n",
		       (unsigned long long)acpi_info.lapic_address, acpi_info.nr_cpus);
	for (uint32_t i = 0; i < acpi_info.nr_ioapics; i++)
		console_printf("IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n",
			       acpi_info.ioapics[i].id, acpi_info.ioapics[i].address,
			       acpi_info.ioapics[i].gsi_base);
	for (uint32_t i = 0; i < acpi_info.nr_overrides; i++) {
		const struct acpi_override *o = &acpi_info.overrides[i];
		console_printf("INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n",
			       o->bus, o->source, o->gsi, mps_polarity[o->flags & 3],
			       mps_trigger[(o->flags >> 2) & 3]);
	}
	console_printf("HPET at 0x%llx\n", (unsigned long long)acpi_info.hpet_address);
	console_printf("PM1a_CNT 0x%x\n", acpi_info.pm1a_cnt_blk);
	for (uint32_t i = 0; i < acpi_info.nr_mcfg; i++)
		console_printf("MCFG segment %u [bus %02x-%02x] at 0x%llx\n", acpi_info.mcfg[i].segment,
			       acpi_info.mcfg[i].start_bus, acpi_info.mcfg[i].end_bus,
			       (unsigned long long)acpi_info.mcfg[i].address);
	if (acpi_info.have_s5)
		console_printf("S5 SLP_TYPa %u\n", acpi_info.s5_slp_typa);
	else
		console_printf("S5 not found\n");
}
