/* Shell commands for vmalloc and ioremap: vmalloc, vfree, ioremap,
 * iounmap, vmallocinfo. Addresses typed at the shell are never trusted:
 * vfree and iounmap act only on areas these commands made (their caller
 * in vmallocinfo is cmd_vmalloc / cmd_ioremap); any other live area is
 * refused, and an address that is no area at all is passed on so that
 * vfree/iounmap print their own one-line refusal. Addresses and sizes are
 * read by shell_parse_addr / shell_parse_size (shell/args.c); ioremap's
 * size is at most 1G. */
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/kallsyms.h"
#include "mm/ioremap.h"
#include "mm/memremap.h"
#include "mm/pgtable.h"
#include "mm/memory.h"
#include "mm/vmalloc.h"
#include "shell/shell.h"

/* `vfree ADDR` / `iounmap ADDR`: release(addr) if the live area at addr
 * was made by `made_by` (the shell's vmalloc or ioremap command) or if
 * addr is in no area at all (release then prints its own refusal); an
 * area someone else made is refused here, in one line. */
static int shell_release(int argc, char **argv, const void *made_by,
			 void (*release)(unsigned long addr))
{
	unsigned long long addr;
	struct vm_struct *vm;
	char sym[KSYM_NAME_LEN + 32];

	(void)argc;
	if (shell_parse_addr(argv[1], &addr))
		return -1;
	vm = find_vm_area((void *)addr);
	if (vm && vm->caller != made_by) {
		sprint_symbol(sym, sizeof(sym), (unsigned long)vm->caller);
		console_printf("%s: 0x%llx is in an area of %s, not one this shell made; refused\n",
			       argv[0], addr, sym);
		return -EBUSY;
	}
	release(addr);
	return 0;
}

static int cmd_vmalloc(int argc, char **argv)
{
	unsigned long long size, align = PAGE_SIZE;
	void *p;

	if (shell_parse_size(argv[1], &size) || !size ||
	    (argc == 3 && (shell_parse_size(argv[2], &align) || !align || (align & (align - 1)) ||
			   align > (1ULL << 40))))
		return -1;
	p = __vmalloc_node_range(size, align, PAGE_KERNEL, 0, (const void *)cmd_vmalloc);
	if (!p)
		return -ENOMEM;
	console_printf("%p\n", p);
	return 0;
}
DEFINE_SHELL_CMD(vmalloc, SHELL_TOPIC_VMALLOC, 1, 2, "vmalloc SIZE[K|M|G] [ALIGN[K|M|G]]",
		 "allocate virtually contiguous memory", cmd_vmalloc);

static void release_vmalloc(unsigned long addr)
{
	vfree((void *)addr);
}

static int cmd_vfree(int argc, char **argv)
{
	return shell_release(argc, argv, (const void *)cmd_vmalloc, release_vmalloc);
}
DEFINE_SHELL_CMD(vfree, SHELL_TOPIC_VMALLOC, 1, 1, "vfree [0x]ADDR", "free what `vmalloc` returned", cmd_vfree);

/* A mapping command's type word: the cache mode the PTE gets, and for
 * memremap its MEMREMAP_* flag. The first entry is the default. */
struct map_type {
	const char *name;
	unsigned long flags;
	enum page_cache_mode pcm;
};

static const struct map_type ioremap_types[] = {
	{ "uc-", 0, _PAGE_CACHE_MODE_UC_MINUS }, { "uc", 0, _PAGE_CACHE_MODE_UC },
	{ "wc", 0, _PAGE_CACHE_MODE_WC }, { "wb", 0, _PAGE_CACHE_MODE_WB },
};

static const struct map_type memremap_types[] = {
	{ "wb", MEMREMAP_WB, _PAGE_CACHE_MODE_WB }, { "wt", MEMREMAP_WT, _PAGE_CACHE_MODE_WT },
	{ "wc", MEMREMAP_WC, _PAGE_CACHE_MODE_WC },
};

/* PHYS SIZE [TYPE] of ioremap and memremap: the chosen type, or NULL (the
 * shell prints the usage). At most 1 GiB from the shell: a misaligned
 * mapping takes 4 KiB leaves, 2 MiB of PTE pages per GiB, and TCG is slow
 * to fill them. */
static const struct map_type *parse_map_args(int argc, char **argv, const struct map_type *types,
					     int n, unsigned long long *phys, unsigned long long *size)
{
	int t = 0;

	if (shell_parse_addr(argv[1], phys) || shell_parse_size(argv[2], size) ||
	    !*size || *size > (1ULL << 30))
		return NULL;
	if (argc == 4)
		for (t = 0; t < n && strcmp(argv[3], types[t].name); t++)
			;
	return t < n ? &types[t] : NULL;
}

static int cmd_ioremap(int argc, char **argv)
{
	unsigned long long phys, size;
	const struct map_type *t;
	void *p;

	t = parse_map_args(argc, argv, ioremap_types, ARRAY_SIZE(ioremap_types), &phys, &size);
	if (!t)
		return -1;
	p = __ioremap_caller(phys, size, t->pcm, (const void *)cmd_ioremap);
	if (!p)
		return -EINVAL;
	/* the type the PTE really has (without PAT, WC falls back to UC-) */
	console_printf("%p (%s)\n", p,
		       cattr_name(pgprot2cachemode(__pgprot(cachemode2protval(t->pcm)))));
	return 0;
}
DEFINE_SHELL_CMD(ioremap, SHELL_TOPIC_VMALLOC, 2, 3, "ioremap [0x]PHYS SIZE[K|M|G] [uc|uc-|wc|wb]",
		 "map device memory (default uc-)", cmd_ioremap);

static void release_ioremap(unsigned long addr)
{
	iounmap((void *)addr);
}

static int cmd_iounmap(int argc, char **argv)
{
	return shell_release(argc, argv, (const void *)cmd_ioremap, release_ioremap);
}
DEFINE_SHELL_CMD(iounmap, SHELL_TOPIC_VMALLOC, 1, 1, "iounmap [0x]ADDR", "unmap what `ioremap` returned", cmd_iounmap);

static int cmd_memremap(int argc, char **argv)
{
	unsigned long long phys, size;
	const struct map_type *t;
	void *p;

	t = parse_map_args(argc, argv, memremap_types, ARRAY_SIZE(memremap_types), &phys, &size);
	if (!t)
		return -1;
	p = __memremap_caller(phys, size, t->flags, (const void *)cmd_memremap);
	if (!p)
		return -EINVAL;
	if ((unsigned long)p >= VMALLOC_START)
		console_printf("%p (a new mapping, %s)\n", p,
			       cattr_name(pgprot2cachemode(__pgprot(cachemode2protval(t->pcm)))));
	else
		console_printf("%p (System RAM: the direct map's address, __va)\n", p);
	ptdump_translate((unsigned long)p);     /* the entry that maps it: its PAT/PCD/PWT bits */
	return 0;
}
DEFINE_SHELL_CMD(memremap, SHELL_TOPIC_VMALLOC, 2, 3, "memremap [0x]PHYS SIZE[K|M|G] [wb|wt|wc]",
		 "map memory cached (default wb): RAM's direct-map address, or a new mapping",
		 cmd_memremap);

static void release_memremap(unsigned long addr)
{
	memunmap((void *)addr);
}

static int cmd_memunmap(int argc, char **argv)
{
	return shell_release(argc, argv, (const void *)cmd_memremap, release_memremap);
}
DEFINE_SHELL_CMD(memunmap, SHELL_TOPIC_VMALLOC, 1, 1, "memunmap [0x]ADDR",
		 "undo a memremap that made a new mapping", cmd_memunmap);

DEFINE_SHELL_SHOW(vmallocinfo, SHELL_TOPIC_VMALLOC,
		  "live vmalloc/ioremap areas, as /proc/vmallocinfo",
		  vmallocinfo_print(console_printf));

/* `bench fault` only reads the counters: the faults come from a user
 * program (user/bench), and make bench subtracts two readings. */
static int cmd_bench(int argc, char **argv)
{
	(void)argc;
	if (!strcmp(argv[1], "vmalloc"))
		return bench_vmalloc();
	if (strcmp(argv[1], "fault"))
		return -1;
	console_printf("demand-zero faults: %llu pages zeroed in %llu TSC cycles\n",
		       (unsigned long long)fault_zero_stat.pages,
		       (unsigned long long)fault_zero_stat.cycles);
	return 0;
}
DEFINE_SHELL_CMD(bench, SHELL_TOPIC_VMALLOC, 1, 1, "bench vmalloc|fault",
		 "cycles per vmalloc+vfree against live areas; fault zeroing so far", cmd_bench);
