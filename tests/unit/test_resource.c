/* Host tests for the resource tree (kernel/resource.c).
 *
 * The expected /proc/iomem and /proc/ioports texts are written out by hand
 * from what Linux shows on a QEMU pc machine. The random test
 * (test_resource_random.c) keeps its
 * own model, a flat list of intervals with the rules stated pairwise
 * ("a request fails exactly when some existing interval overlaps it
 * partially"), and after every step compares the whole tree with it.
 */
#include "tests/unit/unit.h"
#include "tests/unit/resource_harness.h"

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
