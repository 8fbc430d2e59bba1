/* Shell commands about physical memory: memblock, the buddy and slab
 * allocators, meminfo, the direct map's page sizes, and who owns which
 * addresses and ports (iomem, ioports, request_region, request_mem_region
 * and their release_*). */
#include <stdbool.h>
#include "shell/shell.h"
#include "kernel/errno.h"
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/resource.h"
#include "kernel/string.h"
#include "mm/direct_map.h"
#include "mm/init.h"
#include "mm/memblock.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

DEFINE_SHELL_SHOW(memblock, SHELL_TOPIC_PHYSMEM,
		  "memory and reserved regions (like memblock=debug)",
		  memblock_show());

DEFINE_SHELL_SHOW(meminfo, SHELL_TOPIC_PHYSMEM,
		  "memory totals (like /proc/meminfo)",
		  meminfo_show());

DEFINE_SHELL_SHOW(buddyinfo, SHELL_TOPIC_PHYSMEM,
		  "free blocks per order (like /proc/buddyinfo)",
		  buddyinfo_print(console_printf));

DEFINE_SHELL_SHOW(slabinfo, SHELL_TOPIC_PHYSMEM,
		  "object caches (like /proc/slabinfo)",
		  slabinfo_show());

DEFINE_SHELL_SHOW(directmap, SHELL_TOPIC_PHYSMEM,
		  "direct-map page sizes (like /proc/meminfo DirectMap*)",
		  direct_map_show());

DEFINE_SHELL_SHOW(iomem, SHELL_TOPIC_PHYSMEM,
		  "physical address space owners (like /proc/iomem)",
		  resource_print(&iomem_resource, 8, console_printf));

DEFINE_SHELL_SHOW(ioports, SHELL_TOPIC_PHYSMEM,
		  "I/O port owners (like /proc/ioports)",
		  resource_print(&ioport_resource, 4, console_printf));

/* Regions claimed from the shell: request_region / request_mem_region
 * claim (Linux's __request_region), release_region / release_mem_region
 * give back, and only what the shell itself claimed: a driver's region is
 * refused, as vfree refuses an area the shell did not make. A slot keeps
 * the name (the line buffer is reused and a resource keeps its name
 * pointer) and the resource, to know a release is the shell's own. */
#define SHELL_REGIONS   8
#define SHELL_NAME_MAX  24
static struct {
	char name[SHELL_NAME_MAX];
	struct resource *res;           /* NULL: the slot is free */
} shell_regions[SHELL_REGIONS];

static bool is_mem(const char *cmd)
{
	return !strncmp(cmd, "request_mem", 11) || !strncmp(cmd, "release_mem", 11);
}

/* START SIZE of argv for `cmd`, within the root's range; false if not. */
static bool parse_region(char **argv, struct resource *root, unsigned long long *start,
			 unsigned long long *size)
{
	return !shell_parse_addr(argv[1], start) && !shell_parse_size(argv[2], size) &&
	       *size && *start <= root->end && *size - 1 <= root->end - *start;
}

/* request_region / request_mem_region [0x]START SIZE NAME: prints the
 * claim as iomem/ioports print it; -EBUSY after __request_region's
 * one-line conflict. */
static int cmd_request_region(int argc, char **argv)
{
	struct resource *root = is_mem(argv[0]) ? &iomem_resource : &ioport_resource;
	unsigned long long start, size;
	int slot, digits = root == &iomem_resource ? 8 : 4;

	(void)argc;
	if (!parse_region(argv, root, &start, &size) || strlen(argv[3]) >= SHELL_NAME_MAX)
		return -1;
	for (slot = 0; slot < SHELL_REGIONS && shell_regions[slot].res; slot++)
		;
	if (slot == SHELL_REGIONS) {
		console_printf("%s: the shell holds %d regions already; release one\n", argv[0],
			       SHELL_REGIONS);
		return -ENOSPC;
	}
	memcpy(shell_regions[slot].name, argv[3], strlen(argv[3]) + 1);
	shell_regions[slot].res = __request_region(root, start, size, shell_regions[slot].name,
						   is_mem(argv[0]) ? IORESOURCE_MEM : IORESOURCE_IO);
	if (!shell_regions[slot].res)
		return -EBUSY;
	console_printf("%0*llx-%0*llx : %s\n", digits, shell_regions[slot].res->start, digits,
		       shell_regions[slot].res->end, shell_regions[slot].name);
	return 0;
}
DEFINE_SHELL_CMD(request_region, SHELL_TOPIC_PHYSMEM, 3, 3, "request_region [0x]START SIZE[K|M|G] NAME",
		 "claim I/O ports (see ioports)", cmd_request_region);
DEFINE_SHELL_CMD(request_mem_region, SHELL_TOPIC_PHYSMEM, 3, 3,
		 "request_mem_region [0x]START SIZE[K|M|G] NAME",
		 "claim physical addresses, as a driver does before ioremap (see iomem)",
		 cmd_request_region);

static int cmd_release_region(int argc, char **argv)
{
	struct resource *root = is_mem(argv[0]) ? &iomem_resource : &ioport_resource;
	unsigned long long start, size;

	(void)argc;
	if (!parse_region(argv, root, &start, &size))
		return -1;
	for (int slot = 0; slot < SHELL_REGIONS; slot++) {
		struct resource *r = shell_regions[slot].res;

		if (r && r->start == start && r->end == start + size - 1 &&
		    (r->flags & IORESOURCE_MEM) == (root == &iomem_resource ? IORESOURCE_MEM : 0)) {
			__release_region(root, start, size);
			shell_regions[slot].res = 0;
			return 0;
		}
	}
	console_printf("%s: no region the shell claimed is 0x%llx-0x%llx\n", argv[0], start,
		       start + size - 1);
	return -ENOENT;
}
DEFINE_SHELL_CMD(release_region, SHELL_TOPIC_PHYSMEM, 2, 2, "release_region [0x]START SIZE[K|M|G]",
		 "give back ports request_region claimed", cmd_release_region);
DEFINE_SHELL_CMD(release_mem_region, SHELL_TOPIC_PHYSMEM, 2, 2,
		 "release_mem_region [0x]START SIZE[K|M|G]",
		 "give back addresses request_mem_region claimed", cmd_release_region);
