/* The vmalloc-range baseline (tests/kernel/vm_baseline.h). */
#include <stdarg.h>
#include "tests/kernel/vm_baseline.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "mm/page_alloc.h"
#include "mm/pat.h"
#include "mm/pgalloc.h"
#include "mm/vmalloc.h"

/* vmallocinfo as text, to compare before and after */
static char info_buf[4096];
static unsigned int info_len;

static int info_out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(info_buf + info_len, sizeof(info_buf) - info_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		info_len = info_len + n < sizeof(info_buf) ? info_len + n : sizeof(info_buf) - 1;
	return n;
}

static const char *vmallocinfo_text(char *copy, unsigned int len)
{
	info_len = 0;
	info_buf[0] = 0;
	vmallocinfo_print(info_out);
	memcpy(copy, info_buf, len);
	copy[len - 1] = 0;
	return copy;
}

void take_baseline(struct baseline *b)
{
	b->free_pages = nr_free_pages();
	b->pgtable_pages = nr_pgtable_pages;
	b->areas = vmap_nr_areas();
	b->memtypes = memtype_count();
	vmallocinfo_text(b->info, sizeof(b->info));
}

void expect_baseline(struct kunit *test, const struct baseline *b)
{
	static char now[4096];

	KUNIT_EXPECT_EQ(test, nr_free_pages(), b->free_pages);
	KUNIT_EXPECT_EQ(test, nr_pgtable_pages, b->pgtable_pages);
	KUNIT_EXPECT_EQ(test, vmap_nr_areas(), b->areas);
	KUNIT_EXPECT_EQ(test, memtype_count(), b->memtypes);
	KUNIT_EXPECT_STREQ(test, vmallocinfo_text(now, sizeof(now)), b->info);
}
