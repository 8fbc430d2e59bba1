/* Shared by the ACPI host tests (test_acpi.c, test_acpi_aml.c): the printk
 * that drivers/acpi_tables.c calls (printk_capture.h: nr_warnings counts
 * its warnings, last_line keeps the last one), an exact-size heap copy for
 * ASan, little-endian stores, an independent byte sum, and a builder for
 * tables with the 5.2.6 header (ACPI specification 6.5).
 *
 * Each test program is one translation unit plus the source under test, so
 * the helpers here are static (printk, printk_capture.h's, is the one
 * definition the source links against); they are inline so that a program that does not use one
 * of them gets no -Wunused-function. Include after tests/unit/unit.h.
 */
#ifndef TESTS_UNIT_ACPI_BUILDER_H
#define TESTS_UNIT_ACPI_BUILDER_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/acpi_builder.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "tests/unit/printk_capture.h"

/* ---- helpers -------------------------------------------------------------- */

/* An exact-size heap copy: the byte after it is out of bounds for ASan. */
static inline uint8_t *heap_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (n)
		memcpy(c, p, n);
	return c;
}

static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* The sum a valid structure must have, computed here independently. */
static inline uint8_t sum_bytes(const uint8_t *p, size_t n)
{
	unsigned int s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return (uint8_t)s;
}

/* ---- table builder: 5.2.6 header, then appended bytes ------------------- */

struct tbl {
	uint8_t b[4096];
	uint32_t len;
};

static inline void tbl_init(struct tbl *t, const char *sig)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = 3;                            /* revision */
	memcpy(t->b + 10, "CARTA ", 6);         /* OEM ID */
	memcpy(t->b + 16, "TESTTBL ", 8);       /* OEM table ID */
	t->len = 36;
}

static inline void tbl_bytes(struct tbl *t, const void *p, uint32_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static inline void tbl_u32(struct tbl *t, uint32_t v)
{
	put32(t->b + t->len, v);
	t->len += 4;
}

/* Sets Length and fixes the checksum byte (offset 9) so the sum is 0. */
static inline void tbl_finish(struct tbl *t)
{
	put32(t->b + 4, t->len);
	t->b[9] = 0;
	t->b[9] = (uint8_t)(0x100 - sum_bytes(t->b, t->len));
}

#endif
