/* What a test of the vmalloc range must leave as it found it (docs/design.md
 * §5, nothing leaks): the buddy allocator's free pages, the page-table
 * pages, the live areas, the memtype reservations and the vmallocinfo
 * text. Shared by test_vmalloc.c and test_ioremap.c. */
#ifndef TESTS_KERNEL_VM_BASELINE_H
#define TESTS_KERNEL_VM_BASELINE_H

#include "tests/kernel/ktest.h"

#define IO_POOL 0xf0000000ULL   /* PCI hole on pc and q35: never RAM */

struct baseline {
	unsigned long free_pages, pgtable_pages, areas, memtypes;
	char info[4096];
};

void take_baseline(struct baseline *b);
/* One failure for each count, or the text, that differs from b's. */
void expect_baseline(struct kunit *test, const struct baseline *b);

#endif
