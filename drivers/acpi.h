/* ACPI tables, read once at boot through early_memremap (one table mapped
 * at a time, each unmapped before the next). What the kernel keeps is a
 * copy of the facts it needs: the list of tables (for the `acpi` command),
 * the LAPIC address, the IO-APICs, interrupt source overrides, the HPET
 * base and the FADT's PM1a control block. Every table is untrusted: bad
 * signature, length or checksum -> one line, table skipped. */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_TABLES    32
#define ACPI_MAX_IOAPICS   4
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG      4

struct acpi_table_info {
	char signature[5];
	char oem_id[7];
	uint64_t phys;
	uint32_t length;
	uint8_t revision;
	bool checksum_ok;
	bool checked;           /* the checksum was computed (false: rejected before) */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};

struct acpi_override {          /* MADT type 2: ISA irq -> GSI */
	uint8_t bus, source;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_mcfg_entry {        /* PCI Firmware 3.0, 4.1.2: one ECAM range */
	uint64_t address;           /* the config space of bus 0 would be here */
	uint16_t segment;           /* PCI segment group */
	uint8_t start_bus, end_bus; /* the buses this range decodes */
};

struct acpi_info {
	bool found;                 /* an RSDP was found and is valid */
	uint64_t rsdp_phys;         /* 0 when it came from the loader's copy */
	uint8_t revision;           /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
	char oem_id[7];
	uint32_t nr_tables;
	struct acpi_table_info tables[ACPI_MAX_TABLES];

	uint64_t lapic_address;     /* 0 if no MADT */
	uint32_t nr_cpus;           /* enabled local APICs in the MADT */
	uint32_t nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];

	uint64_t hpet_address;      /* 0 if no HPET table */
	uint32_t pm1a_cnt_blk;      /* FADT PM1a control block I/O port, 0 if none */
	uint32_t smi_cmd;           /* FADT SMI command port, 0 if ACPI mode is fixed */
	uint8_t acpi_enable;        /* value to write there to enter ACPI mode */
	bool have_s5;               /* \_S5 found in the DSDT */
	uint8_t s5_slp_typa;        /* its SLP_TYPa value */

	uint32_t nr_mcfg;           /* well-formed MCFG entries (0: no ECAM) */
	struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];
};

extern struct acpi_info acpi_info;

/* Finds the RSDP (the loader's copy from boot_info, else a scan of the
 * EBDA and 0xE0000-0xFFFFF) and walks the RSDT/XSDT. Boot only, while
 * early_memremap works. Returns 0, or -ENODEV with one line if no valid
 * RSDP exists (the kernel carries on without ACPI). */
int acpi_boot_init(void);
/* Reserves in memblock each table found that lies in usable RAM (Linux's
 * name). Boot, after memblock_setup and before anything is allocated. */
void acpi_reserve_initial_tables(void);

/* Pure helpers, host-tested: */
uint8_t acpi_checksum(const void *p, uint32_t len);   /* 0 means valid */
/* Checks an RSDP's signature and checksums (v2: also the extended one over
 * `length`); len is the bytes available at p. */
bool acpi_rsdp_valid(const void *p, uint32_t len);
/* Parses a MADT of `len` bytes (already validated header) into info. */
void acpi_parse_madt(const void *madt, uint32_t len, struct acpi_info *info);
/* Parses an MCFG of `len` bytes (already validated header) into
 * info->mcfg: a malformed entry (bus range inverted, base 0 or not 1 MiB
 * aligned, range past 2^52) or a partial one is one line and skipped. */
void acpi_parse_mcfg(const void *mcfg, uint32_t len, struct acpi_info *info);
/* Finds \_S5's SLP_TYPa in a DSDT's AML bytes; false if absent. */
bool acpi_find_s5(const void *dsdt, uint32_t len, uint8_t *slp_typa);

/* Powers off through ACPI S5 (PM1a_CNT, SLP_TYPa | SLP_EN). Returns only
 * if that is not possible or did not work. */
void acpi_power_off(void);

/* Prints the tables found at boot and what Carta took from them: LAPIC,
 * IO-APICs, interrupt overrides, HPET, PM1a, S5 (`acpi`). */
void acpi_show(void);

#endif
