/* Host tests for the resource tree (kernel/resource.c).
 *
 * The expected /proc/iomem and /proc/ioports texts are written out by hand
 * from what Linux shows on a QEMU pc machine. The random test keeps its
 * own model, a flat list of intervals with the rules stated pairwise
 * ("a request fails exactly when some existing interval overlaps it
 * partially"), and after every step compares the whole tree with it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "kernel/resource.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/slab.h"

typedef unsigned long long ull;

/* ---- kzalloc/kfree over malloc/free, every live object remembered ------ */

#define MAX_LIVE 1024
static void *live[MAX_LIVE];
static int nr_live;

void *kzalloc(size_t size, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (nr_live == MAX_LIVE)
		return NULL;
	p = calloc(1, size);
	if (p)
		live[nr_live++] = p;
	return p;
}

static int live_index(const void *p)
{
	for (int i = 0; i < nr_live; i++)
		if (live[i] == p)
			return i;
	return -1;
}

void kfree(const void *obj)
{
	int i;

	if (!obj)
		return;
	i = live_index(obj);
	EXPECT_TRUE(i >= 0);                    /* freeing what kzalloc gave */
	if (i < 0)
		return;
	live[i] = live[--nr_live];
	free((void *)obj);
}

/* ---- printk: messages kept without their level, lines counted ----------- */

static char msgs[1 << 14];
static size_t msgs_len;
static int nr_lines;

int printk(const char *fmt, ...)
{
	char buf[512];
	const char *s = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] == KERN_SOH[0] && buf[1])
		s += 2;
	for (const char *p = s; *p; p++)
		nr_lines += *p == '\n';
	if (msgs_len + strlen(s) + 1 < sizeof(msgs)) {
		strcpy(msgs + msgs_len, s);
		msgs_len += strlen(s);
	}
	return n;
}

static void clear_msgs(void)
{
	msgs[0] = 0;
	msgs_len = 0;
	nr_lines = 0;
}

/* ---- resource_print into a buffer --------------------------------------- */

static char text[1 << 14];
static size_t text_len;

static int capture(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text + text_len, sizeof(text) - text_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_len += (size_t)n < sizeof(text) - text_len ? (size_t)n : 0;
	return n;
}

static const char *printed(const struct resource *root, int digits)
{
	text[0] = 0;
	text_len = 0;
	resource_print(root, digits, capture);
	return text;
}

/* ---- helpers ------------------------------------------------------------- */

#define MEM_ROOT(r) struct resource r = { 0, ~0ULL, "PCI mem", IORESOURCE_MEM, NULL, NULL, NULL }
#define IO_ROOT(r)  struct resource r = { 0, 0xffff, "PCI IO", IORESOURCE_IO, NULL, NULL, NULL }

static struct resource res(resource_size_t start, resource_size_t end, const char *name,
			   unsigned long flags)
{
	return (struct resource){ .start = start, .end = end, .name = name, .flags = flags };
}

/* The global roots empty and nothing live, whatever a failed test before
 * left behind (its resources may have been on its stack). */
static void reset_globals(void)
{
	iomem_resource.child = ioport_resource.child = NULL;
	while (nr_live)
		free(live[--nr_live]);
	clear_msgs();
}

/* Empties the tree under root the way its owners would: leaves first,
 * release_region for what kzalloc made, release_resource for the rest.
 * Every call must take exactly one resource out. */
static void release_all(struct resource *root)
{
	while (root->child) {
		struct resource *r = root->child;

		while (r->child)
			r = r->child;
		if (live_index(r) >= 0) {
			int before = nr_live;

			__release_region(root, r->start, r->end - r->start + 1);
			EXPECT_EQ(nr_live, before - 1);
			if (nr_live != before - 1)
				return;
		} else if (release_resource(r) != 0) {
			EXPECT_TRUE(false);
			return;
		}
	}
}

/* ---- nesting ------------------------------------------------------------- */

static const char kernel_in_ram[] =
	"00100000-0ffdffff : System RAM\n"
	"  01000000-01a3ffff : Kernel code\n"
	"  01a40000-01c5ffff : Kernel rodata\n"
	"  01c60000-01d1ffff : Kernel data\n"
	"  01d20000-01ffffff : Kernel bss\n";

TEST(kernel_sections_nest_under_system_ram_in_any_request_order)
{
	int order[5] = { 0, 1, 2, 3, 4 }, c[5] = { 0 }, i = 1, j, t, tried = 0;

	for (;;) {      /* every one of the 120 orders: Heap's algorithm */
		MEM_ROOT(root);
		struct resource r[5] = {
			res(0x100000, 0xffdffff, "System RAM", IORESOURCE_MEM),
			res(0x1000000, 0x1a3ffff, "Kernel code", IORESOURCE_MEM | IORESOURCE_BUSY),
			res(0x1a40000, 0x1c5ffff, "Kernel rodata", IORESOURCE_MEM | IORESOURCE_BUSY),
			res(0x1c60000, 0x1d1ffff, "Kernel data", IORESOURCE_MEM | IORESOURCE_BUSY),
			res(0x1d20000, 0x1ffffff, "Kernel bss", IORESOURCE_MEM | IORESOURCE_BUSY),
		};

		clear_msgs();
		for (int k = 0; k < 5; k++)
			EXPECT_EQ(request_resource(&root, &r[order[k]]), 0);
		EXPECT_STREQ(printed(&root, 8), kernel_in_ram);
		EXPECT_EQ(nr_lines, 0);
		for (int k = 1; k < 5; k++)
			EXPECT_TRUE(r[k].parent == &r[0]);
		release_all(&root);
		tried++;
		if (unit_failures) {
			UNIT_DIAG("order %d %d %d %d %d", order[0], order[1], order[2], order[3], order[4]);
			break;
		}
		while (i < 5 && c[i] >= i)
			c[i++] = 0;
		if (i == 5)
			break;
		j = i % 2 ? c[i] : 0;
		t = order[j];
		order[j] = order[i];
		order[i] = t;
		c[i]++;
		i = 1;
	}
	EXPECT_EQ(tried, unit_failures ? tried : 120);
}

TEST(equal_range_nests_inside_the_one_already_there)
{
	MEM_ROOT(root);
	struct resource rsv = res(0xf0000, 0xfffff, "Reserved", IORESOURCE_MEM);
	struct resource rom = res(0xf0000, 0xfffff, "System ROM", IORESOURCE_MEM);

	EXPECT_EQ(request_resource(&root, &rsv), 0);
	EXPECT_EQ(request_resource(&root, &rom), 0);
	EXPECT_TRUE(rom.parent == &rsv);
	EXPECT_STREQ(printed(&root, 8),
		     "000f0000-000fffff : Reserved\n"
		     "  000f0000-000fffff : System ROM\n");
	EXPECT_EQ(release_resource(&rsv), -EINVAL);        /* has a child */
	release_all(&root);
}

TEST(siblings_stay_sorted_by_start_whatever_the_request_order)
{
	IO_ROOT(root);
	static const resource_size_t starts[] = { 0x70, 0x20, 0x3f8, 0x0, 0xa0, 0x40, 0xcf8, 0x60 };
	struct resource r[8];
	resource_size_t prev = 0;
	int n = 0;

	for (int k = 0; k < 8; k++) {
		r[k] = res(starts[k], starts[k] + 1, "x", IORESOURCE_IO);
		EXPECT_EQ(request_resource(&root, &r[k]), 0);
	}
	for (const struct resource *c = root.child; c; c = c->sibling, n++) {
		EXPECT_TRUE(n == 0 || c->start > prev);
		EXPECT_TRUE(c->parent == &root);
		prev = c->start;
	}
	EXPECT_EQ(n, 8);
	release_all(&root);
}

/* ---- refusals --------------------------------------------------------------- */

TEST(partial_overlap_refused_with_one_line_and_nothing_changed)
{
	MEM_ROOT(root);
	struct resource ram = res(0x100000, 0xffdffff, "System RAM", IORESOURCE_MEM);
	struct resource code = res(0x1000000, 0x1a3ffff, "Kernel code", IORESOURCE_MEM);
	struct resource rsv = res(0xffe0000, 0xfffffff, "Reserved", IORESOURCE_MEM);
	struct resource bad = res(0xff00000, 0x10ffffff, "bad", IORESOURCE_MEM);
	struct resource deep = res(0x1a00000, 0x1afffff, "deep", IORESOURCE_MEM);
	struct resource wide = res(0xf0000, 0xffeffff, "wide", IORESOURCE_MEM);
	const char *before;

	EXPECT_EQ(request_resource(&root, &ram), 0);
	EXPECT_EQ(request_resource(&root, &code), 0);
	EXPECT_EQ(request_resource(&root, &rsv), 0);
	before = strdup(printed(&root, 8));
	clear_msgs();

	EXPECT_EQ(request_resource(&root, &bad), -EBUSY);
	EXPECT_STREQ(msgs, "request_resource: [mem 0xff00000-0x10ffffff] bad conflicts with "
		     "[mem 0x100000-0xffdffff] System RAM\n");
	EXPECT_EQ(nr_lines, 1);

	/* inside System RAM, across the end of Kernel code: names the child */
	clear_msgs();
	EXPECT_TRUE(request_resource_conflict(&root, &deep) == &code);
	EXPECT_STREQ(msgs, "request_resource: [mem 0x1a00000-0x1afffff] deep conflicts with "
		     "[mem 0x1000000-0x1a3ffff] Kernel code\n");

	/* would take System RAM as a child but cuts into Reserved: no half-adoption */
	clear_msgs();
	EXPECT_EQ(request_resource(&root, &wide), -EBUSY);
	EXPECT_EQ(nr_lines, 1);
	EXPECT_TRUE(strstr(msgs, "conflicts with [mem 0xffe0000-0xfffffff] Reserved\n") != NULL);

	EXPECT_STREQ(printed(&root, 8), before);
	EXPECT_TRUE(bad.parent == NULL && deep.parent == NULL && wide.parent == NULL);
	EXPECT_TRUE(ram.parent == &root && code.parent == &ram);
	free((void *)before);
	release_all(&root);
}

TEST(empty_inverted_or_outside_root_is_einval)
{
	IO_ROOT(root);
	struct resource inv = res(0x20, 0x1f, "inverted", IORESOURCE_IO);
	struct resource out = res(0xfff0, 0x1000f, "outside", IORESOURCE_IO);

	reset_globals();

	clear_msgs();
	EXPECT_EQ(request_resource(&root, &inv), -EINVAL);
	EXPECT_EQ(request_resource(&root, &out), -EINVAL);
	EXPECT_TRUE(request_resource_conflict(&root, &out) == &root);
	EXPECT_EQ(nr_lines, 3);
	EXPECT_TRUE(strstr(msgs, "[io 0xfff0-0x1000f] outside") != NULL);
	EXPECT_TRUE(root.child == NULL);

	EXPECT_TRUE(request_region(0x3f8, 0, "serial") == NULL);
	EXPECT_TRUE(request_region(0xfffc, 8, "serial") == NULL);
	EXPECT_TRUE(__request_region(&root, ~0ULL - 3, 8, "wraps", IORESOURCE_IO) == NULL);
	EXPECT_EQ(nr_live, 0);
	EXPECT_TRUE(ioport_resource.child == NULL);
}

/* ---- request_region / release_region --------------------------------------- */

TEST(serial_ports_requested_twice_second_is_null_and_names_serial)
{
	struct resource *s;

	reset_globals();

	clear_msgs();
	s = request_region(0x3f8, 8, "serial");
	EXPECT_TRUE(s != NULL);
	EXPECT_EQ(nr_lines, 0);
	EXPECT_TRUE(s && s->flags == (IORESOURCE_IO | IORESOURCE_BUSY));
	EXPECT_TRUE(request_region(0x3f8, 8, "serial") == NULL);
	EXPECT_STREQ(msgs, "request_region(0x3f8-0x3ff, serial): conflicts with 0x3f8-0x3ff serial\n");

	clear_msgs();
	EXPECT_TRUE(request_region(0x3f0, 0x10, "fdc") == NULL);          /* around it */
	EXPECT_TRUE(request_region(0x3fc, 1, "mcr") == NULL);             /* inside a busy one */
	EXPECT_TRUE(request_region(0x3fe, 4, "edge") == NULL);            /* across its end */
	EXPECT_EQ(nr_lines, 3);
	EXPECT_TRUE(strstr(msgs, "request_region(0x3fc-0x3fc, mcr): conflicts with 0x3f8-0x3ff serial\n"));
	EXPECT_EQ(nr_live, 1);
	release_region(0x3f8, 8);
	EXPECT_EQ(nr_live, 0);
}

TEST(busy_region_nests_only_in_a_not_busy_resource_that_contains_it)
{
	MEM_ROOT(root);
	struct resource ram = res(0x100000, 0xffdffff, "System RAM", IORESOURCE_MEM);
	struct resource code = res(0x1000000, 0x1a3ffff, "Kernel code", IORESOURCE_MEM | IORESOURCE_BUSY);
	struct resource *r;

	reset_globals();

	EXPECT_EQ(request_resource(&root, &ram), 0);
	EXPECT_EQ(request_resource(&root, &code), 0);
	r = __request_region(&root, 0x200000, 0x1000, "driver", IORESOURCE_MEM);
	EXPECT_TRUE(r && r->parent == &ram);
	clear_msgs();
	EXPECT_TRUE(__request_region(&root, 0x1000000, 0x1000, "x", IORESOURCE_MEM) == NULL);
	EXPECT_STREQ(msgs, "request_mem_region(0x1000000-0x1000fff, x): conflicts with "
		     "0x1000000-0x1a3ffff Kernel code\n");
	clear_msgs();
	EXPECT_TRUE(__request_region(&root, 0, 0x200000, "huge", IORESOURCE_MEM) == NULL);
	EXPECT_STREQ(msgs, "request_mem_region(0x0-0x1fffff, huge): conflicts with "
		     "0x100000-0xffdffff System RAM\n");
	EXPECT_EQ(nr_live, 1);
	release_all(&root);
	EXPECT_EQ(nr_live, 0);
}

TEST(released_region_can_be_requested_again)
{
	struct resource *a, *b;

	reset_globals();

	a = request_region(0x70, 8, "rtc0");
	EXPECT_TRUE(a != NULL);
	EXPECT_EQ(nr_live, 1);
	clear_msgs();
	release_region(0x70, 8);
	EXPECT_EQ(nr_lines, 0);
	EXPECT_EQ(nr_live, 0);
	EXPECT_TRUE(ioport_resource.child == NULL);
	b = request_region(0x70, 8, "rtc0");
	EXPECT_TRUE(b != NULL && ioport_resource.child == b);
	release_region(0x70, 8);
	EXPECT_EQ(nr_live, 0);
}

TEST(releasing_a_region_that_is_not_there_prints_one_line)
{
	struct resource pci = res(0x0, 0xcf7, "PCI Bus 0000:00", IORESOURCE_IO);

	reset_globals();

	EXPECT_EQ(request_resource(&ioport_resource, &pci), 0);
	EXPECT_TRUE(request_region(0x3f8, 8, "serial") != NULL);
	clear_msgs();
	release_region(0x2f8, 8);
	EXPECT_STREQ(msgs, "release_region(0x2f8-0x2ff): no such region\n");
	clear_msgs();
	release_region(0x3f8, 4);                       /* not exactly the claim */
	release_region(0x0, 0xcf8);                     /* not busy: not a region */
	release_mem_region(0x3f8, 8);                   /* the other tree */
	EXPECT_EQ(nr_lines, 3);
	EXPECT_TRUE(strstr(msgs, "release_mem_region(0x3f8-0x3ff): no such region\n"));
	EXPECT_EQ(nr_live, 1);
	EXPECT_TRUE(pci.parent == &ioport_resource);
	release_region(0x3f8, 8);
	EXPECT_EQ(nr_live, 0);
	EXPECT_EQ(release_resource(&pci), 0);
	EXPECT_EQ(release_resource(&pci), -EINVAL);     /* not in a tree any more */
	EXPECT_TRUE(ioport_resource.child == NULL);
}

/* ---- /proc/iomem and /proc/ioports --------------------------------------- */

/* The firmware map SeaBIOS gives a QEMU pc, first page reserved as Linux does. */
struct e820 { resource_size_t start, end; const char *name; };

static void request_all(struct resource *root, struct resource *r, const struct e820 *e, int n)
{
	for (int i = 0; i < n; i++) {
		r[i] = res(e[i].start, e[i].end, e[i].name, IORESOURCE_MEM);
		EXPECT_EQ(request_resource(root, &r[i]), 0);
	}
}

static void request_kernel_and_devices(struct resource *k)
{
	static const struct e820 sect[] = {
		{ 0x1000000, 0x1a3ffff, "Kernel code" }, { 0x1a40000, 0x1c5ffff, "Kernel rodata" },
		{ 0x1c60000, 0x1d1ffff, "Kernel data" }, { 0x1d20000, 0x1ffffff, "Kernel bss" },
	};

	for (int i = 0; i < 4; i++) {
		k[i] = res(sect[i].start, sect[i].end, sect[i].name, IORESOURCE_MEM | IORESOURCE_BUSY);
		EXPECT_EQ(request_resource(&iomem_resource, &k[i]), 0);
	}
	EXPECT_TRUE(request_mem_region(0xfee00000, 0x1000, "Local APIC"));
	EXPECT_TRUE(request_mem_region(0xfec00000, 0x400, "IOAPIC 0"));
	EXPECT_TRUE(request_mem_region(0xfed00000, 0x400, "HPET 0"));
	EXPECT_TRUE(request_mem_region(0xa0000, 0x20000, "Video RAM area"));
}

TEST(proc_iomem_text_for_qemu_pc_with_256m)
{
	static const struct e820 map[] = {
		{ 0x0, 0xfff, "Reserved" },           { 0x1000, 0x9fbff, "System RAM" },
		{ 0x9fc00, 0x9ffff, "Reserved" },     { 0xf0000, 0xfffff, "Reserved" },
		{ 0x100000, 0xffdffff, "System RAM" }, { 0xffe0000, 0xfffffff, "Reserved" },
		{ 0xfeffc000, 0xfeffffff, "Reserved" }, { 0xfffc0000, 0xffffffff, "Reserved" },
	};
	struct resource e[8], k[4], rom = res(0xf0000, 0xfffff, "System ROM", IORESOURCE_MEM);

	reset_globals();

	request_all(&iomem_resource, e, map, 8);
	request_kernel_and_devices(k);
	EXPECT_EQ(request_resource(&iomem_resource, &rom), 0);
	EXPECT_STREQ(printed(&iomem_resource, 8),
		     "00000000-00000fff : Reserved\n"
		     "00001000-0009fbff : System RAM\n"
		     "0009fc00-0009ffff : Reserved\n"
		     "000a0000-000bffff : Video RAM area\n"
		     "000f0000-000fffff : Reserved\n"
		     "  000f0000-000fffff : System ROM\n"
		     "00100000-0ffdffff : System RAM\n"
		     "  01000000-01a3ffff : Kernel code\n"
		     "  01a40000-01c5ffff : Kernel rodata\n"
		     "  01c60000-01d1ffff : Kernel data\n"
		     "  01d20000-01ffffff : Kernel bss\n"
		     "0ffe0000-0fffffff : Reserved\n"
		     "fec00000-fec003ff : IOAPIC 0\n"
		     "fed00000-fed003ff : HPET 0\n"
		     "fee00000-fee00fff : Local APIC\n"
		     "feffc000-feffffff : Reserved\n"
		     "fffc0000-ffffffff : Reserved\n");
	release_all(&iomem_resource);
	EXPECT_EQ(nr_live, 0);
	EXPECT_TRUE(iomem_resource.child == NULL);
}

TEST(proc_iomem_widens_to_9_digits_above_4g)
{
	static const struct e820 map[] = {      /* QEMU pc -m 4G: 3 GiB low, 1 GiB high */
		{ 0x0, 0xfff, "Reserved" },             { 0x1000, 0x9fbff, "System RAM" },
		{ 0x9fc00, 0x9ffff, "Reserved" },       { 0xf0000, 0xfffff, "Reserved" },
		{ 0x100000, 0xbffdffff, "System RAM" }, { 0xbffe0000, 0xbfffffff, "Reserved" },
		{ 0xfeffc000, 0xfeffffff, "Reserved" }, { 0xfffc0000, 0xffffffff, "Reserved" },
		{ 0x100000000ULL, 0x13fffffffULL, "System RAM" },
	};
	struct resource e[9], k[4];

	reset_globals();

	request_all(&iomem_resource, e, map, 9);
	request_kernel_and_devices(k);
	EXPECT_STREQ(printed(&iomem_resource, 8),
		     "00000000-00000fff : Reserved\n"
		     "00001000-0009fbff : System RAM\n"
		     "0009fc00-0009ffff : Reserved\n"
		     "000a0000-000bffff : Video RAM area\n"
		     "000f0000-000fffff : Reserved\n"
		     "00100000-bffdffff : System RAM\n"
		     "  01000000-01a3ffff : Kernel code\n"
		     "  01a40000-01c5ffff : Kernel rodata\n"
		     "  01c60000-01d1ffff : Kernel data\n"
		     "  01d20000-01ffffff : Kernel bss\n"
		     "bffe0000-bfffffff : Reserved\n"
		     "fec00000-fec003ff : IOAPIC 0\n"
		     "fed00000-fed003ff : HPET 0\n"
		     "fee00000-fee00fff : Local APIC\n"
		     "feffc000-feffffff : Reserved\n"
		     "fffc0000-ffffffff : Reserved\n"
		     "100000000-13fffffff : System RAM\n");
	release_all(&iomem_resource);
	EXPECT_EQ(nr_live, 0);
}

TEST(proc_ioports_text_with_4_digits)
{
	struct resource pci = res(0x0, 0xcf7, "PCI Bus 0000:00", IORESOURCE_IO);

	reset_globals();

	EXPECT_TRUE(request_region(0xcf8, 8, "PCI conf1"));     /* before its neighbour */
	EXPECT_EQ(request_resource(&ioport_resource, &pci), 0);
	EXPECT_TRUE(request_region(0x3f8, 8, "serial"));        /* Carta's boot order */
	EXPECT_TRUE(request_region(0x40, 4, "timer0"));
	EXPECT_TRUE(request_region(0x20, 2, "pic1"));
	EXPECT_TRUE(request_region(0xa0, 2, "pic2"));
	EXPECT_TRUE(request_region(0x70, 8, "rtc0"));
	EXPECT_TRUE(request_region(0x60, 1, "keyboard"));
	EXPECT_TRUE(request_region(0x64, 1, "keyboard"));
	EXPECT_TRUE(request_region(0xf4, 4, "isa-debug-exit"));
	EXPECT_STREQ(printed(&ioport_resource, 4),
		     "0000-0cf7 : PCI Bus 0000:00\n"
		     "  0020-0021 : pic1\n"
		     "  0040-0043 : timer0\n"
		     "  0060-0060 : keyboard\n"
		     "  0064-0064 : keyboard\n"
		     "  0070-0077 : rtc0\n"
		     "  00a0-00a1 : pic2\n"
		     "  00f4-00f7 : isa-debug-exit\n"
		     "  03f8-03ff : serial\n"
		     "0cf8-0cff : PCI conf1\n");
	release_all(&ioport_resource);
	EXPECT_EQ(nr_live, 0);
}

/* ---- the random model test -------------------------------------------------- */

/* The model: every resource in the tree as a flat interval, with the order
 * it went in (seq). Rules, pairwise over the list:
 *   request_resource(N)  fails iff some E overlaps N without either holding
 *                        the other;
 *   request_region(N)    fails iff some E overlaps N and is not a resource
 *                        that is not busy and holds N;
 *   release_resource(R)  fails iff some E lies inside R and is smaller, or
 *                        is the same range and came later (it nests deeper);
 *   release_region(S)    succeeds iff a busy E is exactly S. */
#define SPACE   512                     /* ports 0..511 of the root below */
#define POOL    48
#define MODEL_MAX (POOL + MAX_LIVE)

struct interval {
	resource_size_t start, end;
	bool busy;
	unsigned long seq;
	struct resource *r;
};

static struct interval model[MODEL_MAX];
static int nr_model;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool overlaps(resource_size_t s1, resource_size_t e1, resource_size_t s2, resource_size_t e2)
{
	return s1 <= e2 && s2 <= e1;
}

static bool holds(resource_size_t s1, resource_size_t e1, resource_size_t s2, resource_size_t e2)
{
	return s1 <= s2 && e2 <= e1;
}

static bool model_allows_resource(resource_size_t s, resource_size_t e)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];

		if (overlaps(m->start, m->end, s, e) && !holds(m->start, m->end, s, e) &&
		    !holds(s, e, m->start, m->end))
			return false;
	}
	return true;
}

static bool model_allows_region(resource_size_t s, resource_size_t e)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];

		if (overlaps(m->start, m->end, s, e) && (m->busy || !holds(m->start, m->end, s, e)))
			return false;
	}
	return true;
}

static bool model_has_inside(const struct interval *r)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];
		bool same = m->start == r->start && m->end == r->end;

		if (m != r && holds(r->start, r->end, m->start, m->end) && (!same || m->seq > r->seq))
			return true;
	}
	return false;
}

static int model_find(const struct resource *r)
{
	for (int i = 0; i < nr_model; i++)
		if (model[i].r == r)
			return i;
	return -1;
}

static void model_remove(int i)
{
	model[i] = model[--nr_model];
}

/* The tree under root against the model: every node is in it with its
 * range and busy flag, parent links right, children inside their parent,
 * siblings sorted and disjoint, equal ranges nested in request order, no
 * busy node below another, and nothing missing. */
static bool tree_matches_model(const struct resource *root)
{
	const struct resource *stack[MODEL_MAX];
	int sp = 0, seen = 0;

	stack[sp++] = root;
	while (sp) {
		const struct resource *p = stack[--sp], *prev = NULL;

		for (const struct resource *c = p->child; c; prev = c, c = c->sibling) {
			int i = model_find(c);
			bool busy_above = false;

			if (i < 0 || model[i].start != c->start || model[i].end != c->end ||
			    model[i].busy != ((c->flags & IORESOURCE_BUSY) != 0) ||
			    c->parent != p || !holds(p->start, p->end, c->start, c->end) ||
			    (prev && prev->end >= c->start) || sp == MODEL_MAX)
				return false;
			if (p != root && p->start == c->start && p->end == c->end &&
			    model[model_find(p)].seq > model[i].seq)
				return false;
			for (const struct resource *a = p; a != root; a = a->parent)
				busy_above |= (a->flags & IORESOURCE_BUSY) != 0;
			if (busy_above && model[i].busy)
				return false;
			seen++;
			stack[sp++] = c;
		}
	}
	return seen == nr_model;
}

/* A random range in or a little past the space, now and then empty. */
static void random_range(resource_size_t *s, resource_size_t *n)
{
	uint64_t x = xorshift64();

	*s = x % (SPACE + 8);
	*n = x >> 60 == 0 ? (x >> 20) % SPACE : 1 + (x >> 20) % 24;
	if (x >> 56 == 1)
		*n = 0;
}

static struct resource pool[POOL];
static unsigned long seq;
static int outcomes[8];         /* per step kind: [2k] succeeded, [2k+1] refused */

static void step_request_resource(struct resource *root)
{
	struct resource *r = &pool[xorshift64() % POOL];
	resource_size_t s, n;
	bool valid, ok;

	if (r->parent)
		return;
	random_range(&s, &n);
	*r = res(s, s + n - 1, "r", IORESOURCE_IO);
	valid = n && s + n - 1 <= root->end;
	ok = valid && model_allows_resource(s, s + n - 1);
	EXPECT_EQ(request_resource(root, r), ok ? 0 : valid ? -EBUSY : -EINVAL);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[0 + !ok]++;
	if (ok)
		model[nr_model++] = (struct interval){ s, s + n - 1, false, ++seq, r };
}

static void step_request_region(struct resource *root)
{
	resource_size_t s, n;
	struct resource *r;
	bool ok;

	random_range(&s, &n);
	ok = n && s + n - 1 <= root->end && model_allows_region(s, s + n - 1);
	r = __request_region(root, s, n, "b", IORESOURCE_IO);
	EXPECT_EQ(r != NULL, ok);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[2 + !ok]++;
	if (r)
		model[nr_model++] = (struct interval){ s, s + n - 1, true, ++seq, r };
}

static void step_release_resource(void)
{
	struct resource *r = &pool[xorshift64() % POOL];
	int i = model_find(r);
	bool ok = i >= 0 && !model_has_inside(&model[i]);

	EXPECT_EQ(release_resource(r), ok ? 0 : -EINVAL);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[4 + !ok]++;
	if (ok)
		model_remove(i);
}

static void step_release_region(struct resource *root)
{
	resource_size_t s, n;
	int i, found = -1;

	random_range(&s, &n);
	if (nr_model && xorshift64() % 2) {     /* half the time a real one */
		i = xorshift64() % nr_model;
		s = model[i].start;
		n = model[i].end - model[i].start + 1;
	}
	for (i = 0; i < nr_model; i++)
		if (n && model[i].busy && model[i].start == s && model[i].end == s + n - 1)
			found = i;
	__release_region(root, s, n);
	EXPECT_EQ(nr_lines, found < 0);
	outcomes[6 + (found < 0)]++;
	if (found >= 0)
		model_remove(found);
}

TEST(random_requests_and_releases_match_an_interval_model)
{
	struct resource root = { 0, SPACE - 1, "root", IORESOURCE_IO, NULL, NULL, NULL };
	int steps, busy, most = 0;

	reset_globals();
	nr_model = 0;
	memset(outcomes, 0, sizeof(outcomes));
	for (steps = 0; steps < 20000 && !unit_failures; steps++) {
		uint64_t op = xorshift64() % 8;

		clear_msgs();
		if (op < 3)
			step_request_resource(&root);
		else if (op < 6)
			step_request_region(&root);
		else if (op == 6)
			step_release_resource();
		else
			step_release_region(&root);
		EXPECT_TRUE(tree_matches_model(&root));
		busy = 0;
		for (int i = 0; i < nr_model; i++)
			busy += model[i].busy;
		EXPECT_EQ(nr_live, busy);
		if (nr_model > most)
			most = nr_model;
	}
	if (unit_failures)
		UNIT_DIAG("failed at step %d: %s", steps - 1, msgs);
	/* the walk went both ways often enough to mean something */
	for (int k = 0; k < 8; k++)
		EXPECT_TRUE(outcomes[k] > 200);
	EXPECT_TRUE(most >= 20);
	release_all(&root);
	EXPECT_TRUE(root.child == NULL);
	EXPECT_EQ(nr_live, 0);
}
