/* memblock (mm/memblock.h): two sorted arrays of regions, and the boot-time
 * allocator on top of them.
 *
 * Every change to a list goes through type_splice(), "replace regions
 * [i, j) by these n regions":
 *
 *   add [base, end)     the regions it overlaps or touches -> their union (1)
 *   remove [base, end)  the regions it overlaps -> what is left of them
 *                       outside it (0, 1 or 2: a region cut in the middle)
 *
 * The splice knows the final count before it writes anything, so a full
 * list refuses with nothing changed, and the lists stay sorted, disjoint
 * and non-adjacent by construction. Lists hold at most 128 regions, so the
 * loops here are plain linear scans.
 */
#include "mm/memblock.h"
#ifndef HOST_TEST
#include "mm/page.h"
#endif
#include "mm/memlayout.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#ifndef HOST_TEST
#endif

struct memblock memblock = {
	.memory.name = "memory",
	.reserved.name = "reserved",
};

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

/* Empties both lists, thaws allocation, top-down again: memblock as at boot. */
void memblock_reset(void)
{
	memblock.memory.cnt = memblock.reserved.cnt = 0;
	memblock.memory.total_size = memblock.reserved.total_size = 0;
	memblock.frozen = false;
	memblock.bottom_up = false;
	memblock.bottom_up_start = 0;
}

void memblock_set_bottom_up(bool enable, phys_addr_t start)
{
	memblock.bottom_up = enable;
	memblock.bottom_up_start = enable ? start : 0;
}

/* ---- the list primitives ------------------------------------------------ */

/* Sets [*i, *j) to the regions of t that overlap [base, end) or, with
 * `touching`, also share an edge with it. *i == *j (the insertion point)
 * if there are none. */
static void type_span(const struct memblock_type *t, phys_addr_t base,
		      phys_addr_t end, bool touching,
		      unsigned long *i, unsigned long *j)
{
	unsigned long a = 0, b;

	while (a < t->cnt && (touching ? region_end(&t->regions[a]) < base
				       : region_end(&t->regions[a]) <= base))
		a++;
	b = a;
	while (b < t->cnt && (touching ? t->regions[b].base <= end
				       : t->regions[b].base < end))
		b++;
	*i = a;
	*j = b;
}

/* Replaces regions [i, j) of t by the n regions in repl (sorted, and fitting
 * between regions i-1 and j), keeping total_size exact. 0, or -ENOSPC with
 * t unchanged if the result would not fit. */
static int type_splice(struct memblock_type *t, unsigned long i, unsigned long j,
		       const struct memblock_region *repl, unsigned long n)
{
	unsigned long cnt = t->cnt - (j - i) + n;

	if (cnt > INIT_MEMBLOCK_REGIONS)
		return -ENOSPC;
	for (unsigned long k = i; k < j; k++)
		t->total_size -= t->regions[k].size;
	memmove(&t->regions[i + n], &t->regions[j],
		(t->cnt - j) * sizeof(t->regions[0]));
	for (unsigned long k = 0; k < n; k++) {
		t->regions[i + k] = repl[k];
		t->total_size += repl[k].size;
	}
	t->cnt = cnt;
	return 0;
}

/* Adds [base, base+size) to t, merged with every region it overlaps or
 * touches. The caller checked the range (size > 0, no wrap, below
 * MEMBLOCK_ALLOC_LIMIT). 0, or -ENOSPC with t unchanged; prints nothing. */
int memblock_add_range(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size;
	struct memblock_region u;
	unsigned long i, j;

	type_span(t, base, end, true, &i, &j);
	if (i < j) {
		base = min(base, t->regions[i].base);
		end = max(end, region_end(&t->regions[j - 1]));
	}
	u = (struct memblock_region){ .base = base, .size = end - base };
	return type_splice(t, i, j, &u, 1);
}

/* Removes [base, base+size) from t (range checked as above); only cutting
 * a region in two needs a new slot. 0, or -ENOSPC with t unchanged;
 * prints nothing. */
int memblock_remove_range(struct memblock_type *t, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size, last_end;
	struct memblock_region left[2];
	unsigned long i, j, n = 0;

	type_span(t, base, end, false, &i, &j);
	if (i == j)
		return 0;
	if (t->regions[i].base < base)
		left[n++] = (struct memblock_region){
			.base = t->regions[i].base, .size = base - t->regions[i].base };
	last_end = region_end(&t->regions[j - 1]);
	if (last_end > end)
		left[n++] = (struct memblock_region){ .base = end, .size = last_end - end };
	return type_splice(t, i, j, left, n);
}

static bool type_contains(const struct memblock_type *t, phys_addr_t addr)
{
	for (unsigned long k = 0; k < t->cnt; k++)
		if (t->regions[k].base <= addr && addr < region_end(&t->regions[k]))
			return true;
	return false;
}

/* ---- the public range operations ---------------------------------------- */

/* Validates a caller's range: 0, or -EINVAL after one line naming fn. */
static int check_range(const char *fn, phys_addr_t base, phys_addr_t size)
{
	if (!size) {
		pr_warn("%s(0x%llx, 0x%llx): size is zero\n", fn, base, size);
		return -EINVAL;
	}
	if (base + size < base || base + size > MEMBLOCK_ALLOC_LIMIT) {
		pr_warn("%s(0x%llx, 0x%llx): range wraps or passes the 52-bit physical limit\n",
			fn, base, size);
		return -EINVAL;
	}
	return 0;
}

/* What the four public calls share: check, then add to or remove from t. */
static int range_op(const char *fn, struct memblock_type *t, bool add,
		    phys_addr_t base, phys_addr_t size)
{
	int err = check_range(fn, base, size);

	if (err)
		return err;
	err = add ? memblock_add_range(t, base, size) : memblock_remove_range(t, base, size);
	if (err)
		pr_err("%s(0x%llx, 0x%llx): %s list full (%d regions)\n", fn,
		       base, size, t->name, INIT_MEMBLOCK_REGIONS);
	return err;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return range_op("memblock_add", &memblock.memory, true, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return range_op("memblock_reserve", &memblock.reserved, true, base, size);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return range_op("memblock_remove", &memblock.memory, false, base, size);
}

int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	return range_op("memblock_phys_free", &memblock.reserved, false, base, size);
}

bool memblock_is_memory(phys_addr_t addr)
{
	return type_contains(&memblock.memory, addr);
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return type_contains(&memblock.reserved, addr);
}

/* Memory minus the parts of it that are reserved (reserved ranges outside
 * memory, such as firmware tables in a hole, do not count). */
phys_addr_t memblock_free_bytes(void)
{
	const struct memblock_type *mem = &memblock.memory, *res = &memblock.reserved;
	phys_addr_t taken = 0;

	for (unsigned long m = 0; m < mem->cnt; m++) {
		for (unsigned long r = 0; r < res->cnt; r++) {
			phys_addr_t lo = max(mem->regions[m].base, res->regions[r].base);
			phys_addr_t hi = min(region_end(&mem->regions[m]),
					     region_end(&res->regions[r]));
			if (lo < hi)
				taken += hi - lo;
		}
	}
	return mem->total_size - taken;
}

/* ---- allocation ----------------------------------------------------------- */

/* The highest address a, aligned to align, with [a, a+size) inside [lo, hi). */
static bool fit_top_down(phys_addr_t lo, phys_addr_t hi, phys_addr_t size,
			 phys_addr_t align, phys_addr_t *addr)
{
	phys_addr_t a;

	if (hi <= lo || hi - lo < size)
		return false;
	a = (hi - size) & ~(align - 1);
	if (a < lo)
		return false;
	*addr = a;
	return true;
}

/* The lowest address a, aligned to align, with [a, a+size) inside [lo, hi). */
static bool fit_bottom_up(phys_addr_t lo, phys_addr_t hi, phys_addr_t size,
			  phys_addr_t align, phys_addr_t *addr)
{
	phys_addr_t a = (lo + align - 1) & ~(align - 1);

	if (hi <= lo || a < lo || a >= hi || hi - a < size)
		return false;
	*addr = a;
	return true;
}

/* The highest (top_down) or lowest fit in [lo, hi) that lies in one
 * memory region and in one gap between reserved regions. Both are walked
 * in the search's direction (the gaps outside, the memory regions
 * inside), so the pieces come in order and the first fit found is the
 * highest, or the lowest, there is. */
static bool find_free(phys_addr_t size, phys_addr_t align, phys_addr_t lo, phys_addr_t hi,
		      bool top_down, phys_addr_t *addr)
{
	const struct memblock_type *mem = &memblock.memory, *res = &memblock.reserved;

	for (unsigned long i = 0; i <= res->cnt; i++) {
		unsigned long g = top_down ? res->cnt - i : i;
		phys_addr_t gap_lo = g ? region_end(&res->regions[g - 1]) : 0;
		phys_addr_t gap_hi = g < res->cnt ? res->regions[g].base : MEMBLOCK_ALLOC_LIMIT;

		for (unsigned long k = 0; k < mem->cnt; k++) {
			const struct memblock_region *r = &mem->regions[top_down ? mem->cnt - 1 - k : k];
			phys_addr_t a = max(max(lo, gap_lo), r->base);
			phys_addr_t b = min(min(hi, gap_hi), region_end(r));

			if (top_down ? fit_top_down(a, b, size, align, addr) :
				       fit_bottom_up(a, b, size, align, addr))
				return true;
		}
	}
	return false;
}

/* Bottom-up mode tries above bottom_up_start first; as in Linux, what
 * does not fit there is looked for top-down in the whole range. */
static bool find_range(phys_addr_t size, phys_addr_t align, phys_addr_t lo,
		       phys_addr_t hi, phys_addr_t *addr)
{
	if (memblock.bottom_up &&
	    find_free(size, align, max(lo, memblock.bottom_up_start), hi, false, addr))
		return true;
	return find_free(size, align, lo, hi, true, addr);
}

/* Prints why an allocation failed, with the arguments of the call that
 * was made (ranged: memblock_phys_alloc_range). Returns 0. */
static phys_addr_t alloc_fail(bool ranged, phys_addr_t size, phys_addr_t align,
			      phys_addr_t start, phys_addr_t limit, const char *why)
{
	if (ranged)
		pr_err("memblock_phys_alloc_range(0x%llx, 0x%llx, 0x%llx, 0x%llx): %s\n",
		       size, align, start, limit, why);
	else
		pr_err("memblock_phys_alloc(0x%llx, 0x%llx): %s\n", size, align, why);
	return 0;
}

/* The allocator behind both public calls. The first page is never handed
 * out, so 0 can mean failure. Boot only, before memblock is frozen. */
static phys_addr_t alloc_range(bool ranged, phys_addr_t size, phys_addr_t align,
			       phys_addr_t start, phys_addr_t limit)
{
	phys_addr_t lo = max_t(phys_addr_t, start, PAGE_SIZE);
	phys_addr_t hi = limit ? min(limit, MEMBLOCK_ALLOC_LIMIT) : MEMBLOCK_ALLOC_LIMIT;
	phys_addr_t addr;

	if (memblock.frozen)
		return alloc_fail(ranged, size, align, start, limit,
				  "memblock is frozen; use the page allocator");
	if (!size)
		return alloc_fail(ranged, size, align, start, limit, "size is zero");
	if (!align || (align & (align - 1)))
		return alloc_fail(ranged, size, align, start, limit,
				  "align is not a power of two");
	if (!find_range(size, align, lo, hi, &addr))
		return alloc_fail(ranged, size, align, start, limit, "no free range fits");
	if (memblock_add_range(&memblock.reserved, addr, size))
		return alloc_fail(ranged, size, align, start, limit, "reserved list full");
	return addr;
}

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t limit)
{
	return alloc_range(true, size, align, start, limit);
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	return alloc_range(false, size, align, 0, 0);
}

/* ---- printing --------------------------------------------------------------- */

static void dump_type(const struct memblock_type *t, int (*out)(const char *fmt, ...))
{
	out(" %s.cnt  = 0x%lx\n", t->name, t->cnt);
	for (unsigned long k = 0; k < t->cnt; k++) {
		const struct memblock_region *r = &t->regions[k];

		out(" %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes\n", t->name, k,
		    r->base, region_end(r) - 1, r->size);
	}
}

void memblock_dump_all(int (*out)(const char *fmt, ...))
{
	out("MEMBLOCK configuration:\n");
	out(" memory size = 0x%llx reserved size = 0x%llx\n",
	    memblock.memory.total_size, memblock.reserved.total_size);
	dump_type(&memblock.memory, out);
	dump_type(&memblock.reserved, out);
}

#ifndef HOST_TEST

/* What memblock_alloc and memblock_alloc_raw share: fn names the caller. */
static void *alloc_virt(const char *fn, phys_addr_t size, phys_addr_t align)
{
	phys_addr_t pa;

	if (!direct_map_end) {
		pr_err("%s(%#llx, %#llx): no direct map yet; use memblock_phys_alloc\n",
		       fn, size, align);
		return NULL;
	}
	/* only below direct_map_end: the memory must be reachable */
	pa = memblock_phys_alloc_range(size, align, 0, direct_map_end);
	return pa ? __va(pa) : NULL;
}

void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	void *p = alloc_virt("memblock_alloc", size, align);

	if (p)
		memset(p, 0, size);
	return p;
}

void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	return alloc_virt("memblock_alloc_raw", size, align);
}

/* memblock=debug's dump, then the totals (`memblock`). */
void memblock_show(void)
{
	phys_addr_t free = memblock_free_bytes();

	memblock_dump_all(console_printf);
	console_printf("memory 0x%llx bytes, reserved 0x%llx bytes, free 0x%llx bytes (%llu MiB)%s\n",
		       memblock.memory.total_size, memblock.reserved.total_size,
		       free, free >> 20, memblock.frozen ? "; frozen" : "");
}

#endif
