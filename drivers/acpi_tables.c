/* ACPI parsing that needs no mapping (drivers/acpi.h): checksums, the
 * RSDP, the MADT, the MCFG, and \_S5 in the DSDT's AML. Each function reads only the
 * bytes [p, p + len) it is given, so the same file runs in the kernel (on
 * tables drivers/acpi.c has mapped) and in the host unit test
 * (tests/unit/test_acpi.c, under ASan). Fields are read with memcpy: ACPI
 * tables are byte-packed, so a 32-bit field may sit at any address.
 *
 * Section numbers are the ACPI Specification 6.5's. */
#include <stddef.h>
#include "drivers/acpi.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* 5.2.5.3 and 5.2.6: a structure is valid when all its bytes, the checksum
 * byte included, add up to 0 modulo 256. Returns that sum. */
uint8_t acpi_checksum(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/* ---- RSDP: 5.2.5.3 ------------------------------------------------------ */

#define RSDP_SIGNATURE   "RSD PTR "     /* 8 bytes, offset 0; note the space */
#define RSDP_REVISION    15             /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
#define RSDP_LENGTH      20             /* u32, revision 2+: the whole structure */
#define RSDP_V1_SIZE     20             /* what the first checksum covers */
#define RSDP_V2_SIZE     36             /* up to and with the extended checksum */

bool acpi_rsdp_valid(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t length;

	if (len < RSDP_V1_SIZE || memcmp(b, RSDP_SIGNATURE, 8) || acpi_checksum(b, RSDP_V1_SIZE))
		return false;
	if (b[RSDP_REVISION] < 2)
		return true;            /* ACPI 1.0: no Length, no extended checksum */
	if (len < RSDP_V2_SIZE)
		return false;
	length = get32(b + RSDP_LENGTH);
	return length >= RSDP_V2_SIZE && length <= len && !acpi_checksum(b, length);
}

/* ---- MADT: 5.2.12 ------------------------------------------------------ */

#define MADT_LAPIC_ADDRESS 36           /* u32, after the 36-byte header */
#define MADT_ENTRIES       44           /* after the u32 Flags at 40 */

/* Interrupt controller structure types (5.2.12); Linux's names. */
enum acpi_madt_type {
	ACPI_MADT_TYPE_LOCAL_APIC          = 0,  /* 5.2.12.2 */
	ACPI_MADT_TYPE_IO_APIC             = 1,  /* 5.2.12.3 */
	ACPI_MADT_TYPE_INTERRUPT_OVERRIDE  = 2,  /* 5.2.12.5 */
	ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE = 5,  /* 5.2.12.8 */
	ACPI_MADT_TYPE_LOCAL_X2APIC        = 9,  /* 5.2.12.12 */
};

#define ACPI_MADT_ENABLED  0x1          /* Local APIC Flags bit 0 (5.2.12.2) */

/* The length each structure type we read has in the spec; a shorter entry
 * of that type is skipped. 0: a type we do not read. */
static const uint8_t madt_entry_size[] = {
	[ACPI_MADT_TYPE_LOCAL_APIC] = 8,
	[ACPI_MADT_TYPE_IO_APIC] = 12,
	[ACPI_MADT_TYPE_INTERRUPT_OVERRIDE] = 10,
	[ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE] = 12,
	[ACPI_MADT_TYPE_LOCAL_X2APIC] = 16,
};

struct madt_walk {
	struct acpi_info *info;
	bool ioapics_full, overrides_full;      /* each warned about once */
};

static void madt_ioapic(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_info *info = w->info;
	struct acpi_ioapic *io;

	if (info->nr_ioapics == ACPI_MAX_IOAPICS) {
		if (!w->ioapics_full)
			pr_warn("ACPI: MADT: more than %d IO-APICs; id %u at 0x%x and later ones ignored\n",
				ACPI_MAX_IOAPICS, e[2], get32(e + 4));
		w->ioapics_full = true;
		return;
	}
	io = &info->ioapics[info->nr_ioapics++];
	io->id = e[2];
	io->address = get32(e + 4);
	io->gsi_base = get32(e + 8);
}

static void madt_override(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_info *info = w->info;
	struct acpi_override *ov;

	if (info->nr_overrides == ACPI_MAX_OVERRIDES) {
		if (!w->overrides_full)
			pr_warn("ACPI: MADT: more than %d interrupt source overrides; irq %u and later ones ignored\n",
				ACPI_MAX_OVERRIDES, e[3]);
		w->overrides_full = true;
		return;
	}
	ov = &info->overrides[info->nr_overrides++];
	ov->bus = e[2];
	ov->source = e[3];
	ov->gsi = get32(e + 4);
	ov->flags = get16(e + 8);
}

/* One interrupt controller structure e of `len` bytes (len >= 2, inside the table). */
static void madt_entry(struct madt_walk *w, const uint8_t *e, uint32_t off, uint8_t len)
{
	uint8_t type = e[0];

	if (type >= sizeof(madt_entry_size) || !madt_entry_size[type])
		return;                 /* GIC, NMI, ...: nothing we keep */
	if (len < madt_entry_size[type]) {
		pr_warn("ACPI: MADT: entry at offset %u: type %u needs %u bytes, has %u; skipped\n",
			off, type, madt_entry_size[type], len);
		return;
	}
	switch (type) {
	case ACPI_MADT_TYPE_LOCAL_APIC:
		if (get32(e + 4) & ACPI_MADT_ENABLED)
			w->info->nr_cpus++;
		break;
	case ACPI_MADT_TYPE_LOCAL_X2APIC:
		if (get32(e + 8) & ACPI_MADT_ENABLED)
			w->info->nr_cpus++;
		break;
	case ACPI_MADT_TYPE_IO_APIC:
		madt_ioapic(w, e);
		break;
	case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
		madt_override(w, e);
		break;
	case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE:
		/* 5.2.12.8: the 64-bit address replaces the header's 32-bit one. */
		w->info->lapic_address = get64(e + 4);
		break;
	}
}

/* Fills info's MADT fields (lapic_address, nr_cpus, ioapics, overrides),
 * replacing earlier values. Entries are {u8 type, u8 length, ...}; one of
 * length < 2, or running past `len`, ends the walk with one warning (the
 * entries before it are kept). At most ACPI_MAX_IOAPICS IO-APICs and
 * ACPI_MAX_OVERRIDES overrides are kept, with one warning each for more. */
void acpi_parse_madt(const void *madt, uint32_t len, struct acpi_info *info)
{
	const uint8_t *t = madt;
	struct madt_walk w = { .info = info };
	uint32_t off;

	info->lapic_address = 0;
	info->nr_cpus = info->nr_ioapics = info->nr_overrides = 0;
	if (len < MADT_ENTRIES) {
		pr_warn("ACPI: MADT: %u bytes, under the %d of its fixed part; ignored\n",
			len, MADT_ENTRIES);
		return;
	}
	info->lapic_address = get32(t + MADT_LAPIC_ADDRESS);
	for (off = MADT_ENTRIES; off < len; off += t[off + 1]) {
		if (len - off < 2) {
			pr_warn("ACPI: MADT: entry at offset %u: 1 byte before the end, no room for its header; walk stopped\n",
				off);
			return;
		}
		if (t[off + 1] < 2 || t[off + 1] > len - off) {
			pr_warn("ACPI: MADT: entry at offset %u (type %u): length %u %s; walk stopped\n",
				off, t[off], t[off + 1],
				t[off + 1] < 2 ? "is under 2" : "runs past the end of the table");
			return;
		}
		madt_entry(&w, t + off, off, t[off + 1]);
	}
}

/* ---- MCFG: PCI Firmware Specification 3.0, 4.1.2 ---------------------- */

/* After the 36-byte header, 8 reserved bytes, then 16-byte entries:
 *   u64 base address   (where bus 0's config space would be)
 *   u16 segment group  u8 start bus  u8 end bus  u32 reserved
 * ECAM (PCIe Base 7.2.2) gives each bus 1 MiB: 32 devices x 8 functions x
 * 4 KiB, so bus b starts at base + (b << 20). */
#define MCFG_ENTRIES     44
#define MCFG_ENTRY_SIZE  16
#define ECAM_BUS_SHIFT   20
#define ECAM_MAX_PHYS    (1ULL << 52)   /* the architectural physical limit */

void acpi_parse_mcfg(const void *mcfg, uint32_t len, struct acpi_info *info)
{
	const uint8_t *t = mcfg;

	info->nr_mcfg = 0;
	if (len < MCFG_ENTRIES) {
		pr_warn("ACPI: MCFG: %u bytes, under the %d of its fixed part; no ECAM\n",
			len, MCFG_ENTRIES);
		return;
	}
	if ((len - MCFG_ENTRIES) % MCFG_ENTRY_SIZE)
		pr_warn("ACPI: MCFG: %u bytes of entries, not a multiple of %d; the last %u ignored\n",
			len - MCFG_ENTRIES, MCFG_ENTRY_SIZE, (len - MCFG_ENTRIES) % MCFG_ENTRY_SIZE);
	for (uint32_t off = MCFG_ENTRIES; len - off >= MCFG_ENTRY_SIZE; off += MCFG_ENTRY_SIZE) {
		struct acpi_mcfg_entry e = {
			.address = get64(t + off), .segment = get16(t + off + 8),
			.start_bus = t[off + 10], .end_bus = t[off + 11],
		};
		uint32_t i = (off - MCFG_ENTRIES) / MCFG_ENTRY_SIZE;
		const char *bad = NULL;

		if (e.start_bus > e.end_bus)
			bad = "start bus above end bus";
		else if (!e.address || (e.address & ((1ULL << ECAM_BUS_SHIFT) - 1)))
			bad = "base 0 or not 1 MiB aligned";
		else if (e.address >= ECAM_MAX_PHYS ||
			 ((uint64_t)e.end_bus + 1) << ECAM_BUS_SHIFT > ECAM_MAX_PHYS - e.address)
			bad = "range past the 52-bit physical limit";
		if (bad) {
			pr_warn("ACPI: MCFG: entry %u [bus %02x-%02x] at 0x%llx: %s; ignored\n",
				i, e.start_bus, e.end_bus, (unsigned long long)e.address, bad);
			continue;
		}
		if (info->nr_mcfg == ACPI_MAX_MCFG) {
			pr_warn("ACPI: MCFG: more than %d entries; entry %u ignored\n", ACPI_MAX_MCFG, i);
			continue;
		}
		info->mcfg[info->nr_mcfg++] = e;
	}
}

/* ---- \_S5 in AML: 20.2 ---------------------------------------------- */

/* The encodings we meet on the way (20.2.3, 20.2.5.1, 20.2.5.4):
 *   DefName    := NameOp NameString DataRefObject       NameOp = 0x08
 *   NameString := ['\' RootChar] NameSeg                 NameSeg = 4 chars
 *   DefPackage := PackageOp PkgLength NumElements PackageElementList
 * Name (_S5, Package () { 5, 5, 0, 0 }) is thus
 *   08 [5c] 5f 53 35 5f 12 <PkgLength> <NumElements> 0a 05 0a 05 00 00
 * We look for the NameSeg "_S5_" followed by PackageOp: the NameOp and
 * the root prefix before it change nothing, so they are not required. */
#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_PACKAGE_OP  0x12
#define SLP_TYP_MAX     7               /* SLP_TYPx is a 3-bit field (4.8.3.2.1) */

/* 20.2.4: PkgLength is 1-4 bytes. Bits 7:6 of the lead byte count the
 * bytes that follow. With none, bits 5:0 are the length; otherwise bits
 * 3:0 are its low nibble and each following byte the next 8 bits. The
 * length counts from the PkgLength's first byte to the end of the package.
 * Returns the bytes the encoding takes (0 if it runs past `avail`). */
static uint32_t aml_pkg_length(const uint8_t *p, uint32_t avail, uint32_t *length)
{
	uint32_t n, v;

	if (!avail)
		return 0;
	n = 1 + (p[0] >> 6);
	if (n > avail)
		return 0;
	if (n == 1) {
		*length = p[0] & 0x3f;
		return 1;
	}
	v = p[0] & 0x0f;
	for (uint32_t i = 1; i < n; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	*length = v;
	return n;
}

/* p[0..avail) starts right after a "_S5_" NameSeg. True, with *slp_typa
 * set, if a whole package lies there and its first element is a ZeroOp,
 * OneOp or BytePrefix constant that fits SLP_TYPx. */
static bool s5_package(const uint8_t *p, uint32_t avail, uint8_t *slp_typa)
{
	uint32_t pkglen, n, end, pos;
	uint8_t v;

	if (!avail || p[0] != AML_PACKAGE_OP)
		return false;
	n = aml_pkg_length(p + 1, avail - 1, &pkglen);
	if (!n || pkglen < n || pkglen > avail - 1)
		return false;
	end = 1 + pkglen;               /* the package is p[0 .. end) */
	pos = 1 + n;                    /* NumElements */
	if (pos + 1 >= end || p[pos] == 0)
		return false;
	pos++;                          /* the first element: SLP_TYPa */
	switch (p[pos]) {
	case AML_ZERO_OP:
		v = 0;
		break;
	case AML_ONE_OP:
		v = 1;
		break;
	case AML_BYTE_PREFIX:
		if (pos + 1 >= end)
			return false;
		v = p[pos + 1];
		break;
	default:
		return false;           /* a word, a name, a method call: not for us */
	}
	if (v > SLP_TYP_MAX)
		return false;
	*slp_typa = v;
	return true;
}

/* dsdt: the AML after the table header. The first "_S5_" that is followed
 * by a readable package wins. */
bool acpi_find_s5(const void *dsdt, uint32_t len, uint8_t *slp_typa)
{
	const uint8_t *b = dsdt;

	for (uint32_t i = 0; len >= 4 && i <= len - 4; i++)
		if (!memcmp(b + i, "_S5_", 4) && s5_package(b + i + 4, len - i - 4, slp_typa))
			return true;
	return false;
}
