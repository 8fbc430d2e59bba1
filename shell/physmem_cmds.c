/* Shell commands about physical memory: memblock, the buddy and slab
 * allocators, meminfo, the direct map's page sizes, and who owns which
 * addresses and ports (iomem, ioports, request_region). */
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

/* Names of the regions claimed from the shell: the line buffer is reused,
 * and a resource keeps its name pointer. There is no release command, so
 * a slot is used for good once its claim succeeds. */
#define SHELL_REGIONS   8
#define SHELL_NAME_MAX  24
static char shell_region_names[SHELL_REGIONS][SHELL_NAME_MAX];
static int nr_shell_regions;

/* request_region START LEN NAME (hex START and LEN, "0x" optional): claims
 * ports [START, START+LEN) and prints the claim; -EBUSY after the one-line
 * conflict from __request_region; -1 for bad arguments. */
static int cmd_request_region(int argc, char **argv)
{
	unsigned long long start, len;
	struct resource *res;
	char *name;

	(void)argc;
	if (kstrtoull(argv[1], 16, &start) || kstrtoull(argv[2], 16, &len))
		return -1;
	if (len == 0 || start > ioport_resource.end || len > ioport_resource.end - start + 1)
		return -1;
	if (strlen(argv[3]) >= SHELL_NAME_MAX)
		return -1;
	if (nr_shell_regions == SHELL_REGIONS) {
		console_printf("request_region: the shell has claimed %d regions already\n",
			       SHELL_REGIONS);
		return -ENOSPC;
	}
	name = shell_region_names[nr_shell_regions];
	memcpy(name, argv[3], strlen(argv[3]) + 1);
	res = request_region(start, len, name);
	if (!res)
		return -EBUSY;
	nr_shell_regions++;
	console_printf("%04llx-%04llx : %s\n", res->start, res->end, res->name);
	return 0;
}
DEFINE_SHELL_CMD(request_region, SHELL_TOPIC_PHYSMEM, 3, 3, "request_region START LEN NAME",
		 "claim I/O ports (to see a conflict)", cmd_request_region);
