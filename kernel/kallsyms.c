/* Symbol lookup over the table scripts/kallsyms.py generates:
 * kallsyms_addresses[] sorted ascending, kallsyms_offsets[i] the offset of
 * symbol i's NUL-terminated name in kallsyms_names. A symbol's size is the
 * distance to the next one. Each run of symbols (.text, .init.text) ends
 * with a sentinel, _etext or __init_text_end: an address that falls on a
 * sentinel's span (between the runs, or past the last) has no symbol. */
#include <stdbool.h>
#include <stdint.h>
#include "kernel/kallsyms.h"
#include "kernel/vsprintf.h"
#include "kernel/string.h"

extern const unsigned long kallsyms_num_syms;
extern const unsigned long kallsyms_addresses[];
extern const uint32_t kallsyms_offsets[];
extern const char kallsyms_names[];

unsigned long kallsyms_count(void)
{
	return kallsyms_num_syms;
}

static bool is_sentinel(const char *name)
{
	return !strcmp(name, "_etext") || !strcmp(name, "__init_text_end");
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *size,
			    unsigned long *offset)
{
	unsigned long n = kallsyms_num_syms, lo = 0, hi;

	/* the last entry is the end sentinel, not a symbol */
	if (n < 2 || addr < kallsyms_addresses[0] || addr >= kallsyms_addresses[n - 1])
		return NULL;
	hi = n - 1;
	while (hi - lo > 1) {       /* invariant: addresses[lo] <= addr < addresses[hi] */
		unsigned long mid = lo + (hi - lo) / 2;
		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (is_sentinel(kallsyms_names + kallsyms_offsets[lo]))
		return NULL;
	if (size)
		*size = kallsyms_addresses[lo + 1] - kallsyms_addresses[lo];
	if (offset)
		*offset = addr - kallsyms_addresses[lo];
	return kallsyms_names + kallsyms_offsets[lo];
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (unsigned long i = 0; i + 1 < kallsyms_num_syms; i++)
		if (!strcmp(kallsyms_names + kallsyms_offsets[i], name))
			return kallsyms_addresses[i];
	return 0;
}

static int sprint_at(char *buf, size_t len, unsigned long addr, unsigned long adjust)
{
	unsigned long size, off;
	const char *name = kallsyms_lookup(addr - adjust, &size, &off);

	if (!name)
		return snprintf(buf, len, "0x%016lx", addr);
	return snprintf(buf, len, "%s+0x%lx/0x%lx", name, off + adjust, size);
}

int sprint_symbol(char *buf, size_t len, unsigned long addr)
{
	return sprint_at(buf, len, addr, 0);
}

int sprint_backtrace(char *buf, size_t len, unsigned long addr)
{
	return sprint_at(buf, len, addr, 1);
}
