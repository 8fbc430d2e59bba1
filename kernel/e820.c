/* The firmware memory map (kernel/e820.h): the kernel's copy, its names,
 * printing it, judging it into memblock, walking it, and its resources.
 *
 * From the map to memblock.memory, in two passes over the table (the
 * order of the table does not matter, whatever the firmware did):
 *
 *   1. each usable entry, trimmed inward to whole pages, added
 *   2. each other entry, widened outward to whole pages, taken out
 *
 *   usable     [=========================]      [==============]
 *   ACPI              [-----]
 *   reserved                                 [-------]
 *   memory     [======]     [===============]         [==========]
 *
 * Each entry is checked first and every problem gets one line naming it
 * ("e820: entry 3 [mem ...] overlaps entry 1; reserved wins"). Linux
 * sorts and merges the table itself first (e820__update_table); here the
 * table stays as the firmware gave it and only memblock sees the result.
 */
#include "kernel/e820.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/memblock.h"
#include "mm/memlayout.h"
#ifndef HOST_TEST
#include "kernel/boot_info.h"
#include "kernel/efi.h"
#include "kernel/init.h"
#include "kernel/kstrtox.h"
#include "kernel/resource.h"
#include "kernel/sections.h"
#include "kernel/vsprintf.h"
#endif

static struct e820_table e820_table_init, e820_table_firmware_init;
struct e820_table *e820_table = &e820_table_init;
struct e820_table *e820_table_firmware = &e820_table_firmware_init;

/* ---- names ---------------------------------------------------------------- */

const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:      return "usable";
	case E820_TYPE_RESERVED: return "reserved";
	case E820_TYPE_ACPI:     return "ACPI data";
	case E820_TYPE_NVS:      return "ACPI NVS";
	case E820_TYPE_UNUSABLE: return "unusable";
	case E820_TYPE_PMEM:     return "persistent (type 7)";
	case E820_TYPE_PRAM:     return "persistent (type 12)";
	default:                 return "unknown";
	}
}

/* Linux's names, its unknown-type default included: under UEFI, GRUB's
 * multiboot2 map carries type 20 for the firmware's runtime code (GRUB's
 * GRUB_MEMORY_CODE), which Linux would list as "Unknown E820 type". */
const char *e820_type_to_string(const struct e820_entry *entry)
{
	switch (entry->type) {
	case E820_TYPE_RAM:      return "System RAM";
	case E820_TYPE_ACPI:     return "ACPI Tables";
	case E820_TYPE_NVS:      return "ACPI Non-volatile Storage";
	case E820_TYPE_UNUSABLE: return "Unusable memory";
	case E820_TYPE_PRAM:     return "Persistent Memory (legacy)";
	case E820_TYPE_PMEM:     return "Persistent Memory";
	case E820_TYPE_RESERVED: return "Reserved";
	default:                 return "Unknown E820 type";
	}
}

/* ---- printing ------------------------------------------------------------- */

/* The end is inclusive, as Linux prints it; a zero-size entry ends one
 * below its start, which is what Linux shows too. */
static void print_table(const struct e820_table *t, const char *who,
			int (*out)(const char *fmt, ...))
{
	for (uint32_t i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *e = &t->entries[i];
		const char *name = e820_type_name(e->type);
		unsigned long long start = e->addr, last = e->addr + e->size - 1;

		if (strcmp(name, "unknown"))
			out("%s: [mem 0x%016llx-0x%016llx] %s\n", who, start, last, name);
		else
			out("%s: [mem 0x%016llx-0x%016llx] type %u\n", who, start, last, e->type);
	}
}

void e820__print_table(const char *who, int (*out)(const char *fmt, ...))
{
	print_table(e820_table, who, out);
}

void e820__memmap_show(int (*out)(const char *fmt, ...))
{
	print_table(e820_table_firmware, "BIOS-e820", out);
	if (e820_table->nr_entries != e820_table_firmware->nr_entries ||
	    memcmp(e820_table->entries, e820_table_firmware->entries,
		   e820_table->nr_entries * sizeof(e820_table->entries[0])))
		print_table(e820_table, "user", out);
#ifndef HOST_TEST
	efi_print_memmap(out);          /* under UEFI: the map the e820 one came from */
#endif
}

/* ---- changing the map: memmap= ---------------------------------------------- */

/* Linux's e820__range_update: the parts of [start, start+size) that lie in
 * entries of type old_type become new_type, each such entry split in up to
 * three (below, inside, above) in place, so a sorted table stays sorted.
 * Returns the bytes changed; 0 if the table would overflow (unchanged). */
uint64_t e820__range_update(uint64_t start, uint64_t size, uint32_t old_type,
			    uint32_t new_type)
{
	static struct e820_table out;   /* 3 KiB: not on the boot stack */
	uint64_t end = start + size, changed = 0;

	out.nr_entries = 0;
	for (uint32_t i = 0; i < e820_table->nr_entries; i++) {
		struct e820_entry e = e820_table->entries[i];
		uint64_t e_end = e.addr + e.size;
		uint64_t lo = e.addr > start ? e.addr : start, hi = e_end < end ? e_end : end;
		struct e820_entry piece[3] = {
			{ e.addr, lo - e.addr, e.type }, { lo, hi - lo, new_type },
			{ hi, e_end - hi, e.type },
		};

		if (e.type != old_type || lo >= hi) {
			piece[0] = e;
			piece[1].size = piece[2].size = 0;
		} else {
			changed += hi - lo;
		}
		for (int k = 0; k < 3; k++) {
			if (!piece[k].size)
				continue;
			if (out.nr_entries == E820_MAX_ENTRIES)
				return 0;
			out.entries[out.nr_entries++] = piece[k];
		}
	}
	*e820_table = out;
	return changed;
}

#ifndef HOST_TEST
/* One memmap= value (Linux's parse_memmap_one, its nn[KMG]$ss[KMG] form):
 * [ss, ss+nn) of RAM becomes reserved. Anything else gets one line and
 * changes nothing: a malformed value, a range not wholly inside usable
 * RAM, or one over the kernel image (which is running there). The @ form
 * (declare RAM the firmware did not report) is refused: under QEMU there
 * is no such RAM to declare, and handing it out would corrupt memory. */
static __init bool parse_memmap_one(const char *v)
{
	char nn[24], *at = strchr(v, '$');
	unsigned long long size, start;
	uint32_t i;

	if (!at && strchr(v, '@')) {
		pr_warn("memmap=%s: the nn@ss form is not supported; ignored\n", v);
		return false;
	}
	if (!at || at - v >= (long)sizeof(nn)) {
		pr_warn("memmap=%s: expected memmap=nn[KMG]$ss[KMG]; ignored\n", v);
		return false;
	}
	memcpy(nn, v, at - v);
	nn[at - v] = '\0';
	if (kmemparse(nn, &size) || kmemparse(at + 1, &start) || !size || start + size < start) {
		pr_warn("memmap=%s: expected memmap=nn[KMG]$ss[KMG]; ignored\n", v);
		return false;
	}
	for (i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];

		if (e->type == E820_TYPE_RAM && e->addr <= start && start + size <= e->addr + e->size)
			break;
	}
	if (i == e820_table->nr_entries) {
		pr_warn("memmap=%s: [mem 0x%016llx-0x%016llx] is not inside usable RAM; ignored\n",
			v, start, start + size - 1);
		return false;
	}
	if (start < __pa_symbol(_end) && LOAD_PHYSICAL_ADDR < start + size) {
		pr_warn("memmap=%s: [mem 0x%016llx-0x%016llx] overlaps the kernel image; ignored\n",
			v, start, start + size - 1);
		return false;
	}
	if (!e820__range_update(start, size, E820_TYPE_RAM, E820_TYPE_RESERVED)) {
		pr_warn("memmap=%s: the e820 table is full; ignored\n", v);
		return false;
	}
	return true;
}

/* Every memmap= word of the command line, in order; true if any changed
 * the map (then it is printed again as Linux's "user" map). */
static __init bool parse_memmap_opts(const char *cmdline)
{
	bool changed = false;

	for (const char *p = cmdline; *p;) {
		size_t n = 0;
		char v[64];

		while (p[n] && p[n] != ' ' && p[n] != '\t')
			n++;
		if (n > 7 && !strncmp(p, "memmap=", 7)) {
			size_t vn = n - 7 < sizeof(v) - 1 ? n - 7 : sizeof(v) - 1;

			memcpy(v, p + 7, vn);
			v[vn] = '\0';
			changed |= parse_memmap_one(v);
		}
		for (p += n; *p == ' ' || *p == '\t'; p++)
			;
	}
	return changed;
}

/* e820__print_table's out for the boot log: each line at KERN_INFO. */
static __init int pr_info_line(const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return printk(KERN_INFO "%s", buf);
}

/* Linux's e820__memory_setup: the loader's map becomes the kernel's
 * (boot_info holds at most E820_MAX_ENTRIES), then it is shown. */
void __init e820__memory_setup(void)
{
	e820_table->nr_entries = boot_info.nr_e820;
	memcpy(e820_table->entries, boot_info.e820,
	       boot_info.nr_e820 * sizeof(e820_table->entries[0]));
	*e820_table_firmware = *e820_table;     /* what memmap= does not change */
	pr_info("BIOS-provided physical RAM map:\n");
	e820__print_table("BIOS-e820", pr_info_line);
	if (parse_memmap_opts(boot_info.cmdline)) {
		pr_info("user-defined physical RAM map:\n");
		e820__print_table("user", pr_info_line);
	}
}
#endif

/* ---- judging the map into memblock ------------------------------------------ */

enum e820_problem {
	E820_EMPTY      = 1 << 0,       /* size 0: skipped */
	E820_PAST_LIMIT = 1 << 1,       /* starts at or past 2^52: skipped */
	E820_WRAPS      = 1 << 2,       /* addr + size passes 2^64: clipped at 2^52 */
	E820_CLIPPED    = 1 << 3,       /* ends past 2^52: clipped */
	E820_UNSORTED   = 1 << 4,       /* starts below the entry before it */
	E820_OVERLAPS   = 1 << 5,       /* overlaps an earlier entry */
	E820_DROPPED    = 1 << 6,       /* usable, but the memory list was full */
};

static bool e820_usable(const struct e820_entry *e)
{
	return e->type == E820_TYPE_RAM;
}

/* The part of e below MEMBLOCK_ALLOC_LIMIT as [*start, *end); false if
 * there is none (zero length, or starting past the limit). */
static bool e820_clip(const struct e820_entry *e, phys_addr_t *start, phys_addr_t *end)
{
	phys_addr_t last = e->addr + e->size;

	if (!e->size || e->addr >= MEMBLOCK_ALLOC_LIMIT)
		return false;
	*start = e->addr;
	*end = (last < e->addr || last > MEMBLOCK_ALLOC_LIMIT) ? MEMBLOCK_ALLOC_LIMIT : last;
	return true;
}

/* The earlier entry that entry k overlaps, -1 if none. One of the other
 * usability is preferred: that is the overlap that decides anything. */
static long e820_overlap(const struct e820_entry *map, uint32_t k)
{
	phys_addr_t s, e, s2, e2;
	long found = -1;

	if (!e820_clip(&map[k], &s, &e))
		return -1;
	for (uint32_t j = 0; j < k; j++) {
		if (!e820_clip(&map[j], &s2, &e2) || e2 <= s || e <= s2)
			continue;
		if (e820_usable(&map[j]) != e820_usable(&map[k]))
			return j;
		if (found < 0)
			found = j;
	}
	return found;
}

/* What is wrong with entry k (enum e820_problem bits); *other is the
 * entry it overlaps. Prints nothing. */
static unsigned int e820_problems(const struct e820_entry *map, uint32_t k, long *other)
{
	const struct e820_entry *e = &map[k];
	unsigned int p = 0;

	if (!e->size)
		return E820_EMPTY;
	if (e->addr >= MEMBLOCK_ALLOC_LIMIT)
		return E820_PAST_LIMIT;
	if (e->addr + e->size < e->addr)
		p |= E820_WRAPS;
	else if (e->addr + e->size > MEMBLOCK_ALLOC_LIMIT)
		p |= E820_CLIPPED;
	if (k > 0 && e->addr < map[k - 1].addr)
		p |= E820_UNSORTED;
	*other = e820_overlap(map, k);
	if (*other >= 0)
		p |= E820_OVERLAPS;
	return p;
}

#define E820_FMT "e820: entry %u [mem 0x%016llx-0x%016llx] "
#define E820_ARGS(k, e) (k), (unsigned long long)(e)->addr, \
			(unsigned long long)((e)->addr + (e)->size - 1)

/* One line per problem, each naming the entry. */
static void e820_warn(const struct e820_entry *map, uint32_t k, unsigned int p, long other)
{
	const struct e820_entry *e = &map[k];

	if (p & E820_EMPTY)
		pr_warn("e820: entry %u [mem 0x%016llx] has zero length; skipped\n",
			k, (unsigned long long)e->addr);
	if (p & E820_PAST_LIMIT)
		pr_warn(E820_FMT "starts past the 52-bit physical limit; skipped\n", E820_ARGS(k, e));
	if (p & E820_WRAPS)
		pr_warn(E820_FMT "wraps past 2^64; clipped at 2^52\n", E820_ARGS(k, e));
	if (p & E820_CLIPPED)
		pr_warn(E820_FMT "ends past the 52-bit physical limit; clipped\n", E820_ARGS(k, e));
	if (p & E820_UNSORTED)
		pr_warn(E820_FMT "is below entry %u; table not sorted\n", E820_ARGS(k, e), k - 1);
	if (p & E820_OVERLAPS)
		pr_warn(E820_FMT "overlaps entry %ld; %s\n", E820_ARGS(k, e), other,
			e820_usable(e) != e820_usable(&map[other]) ? "reserved wins" : "merged");
}

/* Adds usable entry k, trimmed inward to whole pages. False if it had to
 * be dropped (memory list full), after one line. */
static bool e820_add_usable(const struct e820_entry *map, uint32_t k)
{
	phys_addr_t s, e;

	if (!e820_clip(&map[k], &s, &e))
		return true;
	s = PAGE_ALIGN(s);
	e &= PAGE_MASK;
	if (s >= e || !memblock_add_range(&memblock.memory, s, e - s))
		return true;
	pr_warn(E820_FMT "memory list full (%d regions); dropped\n",
		E820_ARGS(k, &map[k]), INIT_MEMBLOCK_REGIONS);
	return false;
}

/* Removes non-usable entry k from memory, widened outward to whole pages:
 * a page that is partly reserved is not usable. If that would cut a
 * region in two and the list is full, the region is cut short at the
 * entry instead (losing the memory above it, never handing out reserved
 * memory). False if that happened, after one line. */
static bool e820_remove_reserved(const struct e820_entry *map, uint32_t k)
{
	struct memblock_region *r;
	phys_addr_t s, e, top = 0;

	if (!e820_clip(&map[k], &s, &e))
		return true;
	s &= PAGE_MASK;
	e = PAGE_ALIGN(e);
	if (!memblock_remove_range(&memblock.memory, s, e - s))
		return true;
	/* only a cut in two needs a slot: [s, e) lies strictly inside one region */
	for_each_mem_region(r)
		if (s < r->base + r->size) {
			top = r->base + r->size;
			break;
		}
	pr_warn(E820_FMT "memory list full (%d regions); dropped [mem 0x%016llx-0x%016llx] too\n",
		E820_ARGS(k, &map[k]), INIT_MEMBLOCK_REGIONS, e, top - 1);
	memblock_remove_range(&memblock.memory, s, top - s);    /* needs no new slot */
	return false;
}

/* Usable entries first, then every non-usable range taken out of them, so
 * a reserved range wins whatever the order of the table. Counts an entry
 * once however many lines it got. */
int __e820__memblock_setup(const struct e820_entry *map, uint32_t nr)
{
	int warned = 0;
	long other;

	for (uint32_t k = 0; k < nr; k++) {
		unsigned int p = e820_problems(map, k, &other);

		e820_warn(map, k, p, other);
		if (e820_usable(&map[k]) && !e820_add_usable(map, k))
			p |= E820_DROPPED;
		warned += p != 0;
	}
	for (uint32_t k = 0; k < nr; k++)
		if (!e820_usable(&map[k]) && !e820_remove_reserved(map, k) &&
		    !e820_problems(map, k, &other))
			warned++;
	return warned;
}

void e820__memblock_setup(void)
{
	__e820__memblock_setup(e820_table->entries, e820_table->nr_entries);
}

/* ---- walking the map -------------------------------------------------------- */

bool __e820__next_range(uint32_t *idx, unsigned int types, phys_addr_t *start,
			phys_addr_t *end)
{
	for (uint32_t k = *idx; k < e820_table->nr_entries; k++) {
		const struct e820_entry *e = &e820_table->entries[k];
		phys_addr_t s = PAGE_ALIGN(e->addr), t = (e->addr + e->size) & PAGE_MASK;

		if (e->type >= 32 || !(types & E820_TYPE_MASK(e->type)))
			continue;
		if (s < e->addr || t < s || s == t)
			continue;       /* no whole page (or the entry wraps) */
		*start = s;
		*end = t;
		*idx = k + 1;
		return true;
	}
	*idx = e820_table->nr_entries;
	return false;
}

/* ---- resources ---------------------------------------------------------------- */

#ifndef HOST_TEST
static struct resource e820_res[E820_MAX_ENTRIES];

void __init e820__reserve_resources(void)
{
	for (uint32_t i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];

		if (!e->size || e->addr + e->size - 1 < e->addr)
			continue;       /* e820__memblock_setup already warned about it */
		e820_res[i] = (struct resource){ .start = e->addr, .end = e->addr + e->size - 1,
						 .name = e820_type_to_string(e),
						 .flags = IORESOURCE_MEM };
		request_resource(&iomem_resource, &e820_res[i]);
	}
}
#endif
