/* The boot information copy and the e820 map printer (kernel/setup.h). */
#include "kernel/setup.h"
#include "kernel/init.h"
#include "kernel/boot_info.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/shell.h"
#include "kernel/resource.h"
#include "kernel/sections.h"
#include "mm/memlayout.h"

struct boot_info boot_info;
static uint8_t boot_info_copy[BOOT_INFO_COPY_MAX] __attribute__((aligned(8)));

#define IDENT_MAP_END (4ULL << 30)      /* boot/early_pgt.asm maps 0..4 GiB */

void __init setup_boot_info(uint64_t mbi_phys)
{
	char err[160];
	uint32_t total;

	if (!mbi_phys || (mbi_phys & 7) || mbi_phys + 8 > IDENT_MAP_END)
		panic("multiboot2: information at %#lx is not 8-byte aligned below 4 GiB",
		      (unsigned long)mbi_phys);
	/* The identity map still covers the block: read it at its physical address. */
	memcpy(&total, (const void *)mbi_phys, sizeof(total));
	if (total > BOOT_INFO_COPY_MAX || mbi_phys + total > IDENT_MAP_END)
		panic("multiboot2: information is %u bytes at %#lx; the kernel keeps at most %u",
		      total, (unsigned long)mbi_phys, BOOT_INFO_COPY_MAX);
	if (total < 16)
		panic("multiboot2: information is %u bytes (< 16)", total);
	memcpy(boot_info_copy, (const void *)mbi_phys, total);
	if (multiboot2_parse(boot_info_copy, total, &boot_info, err, sizeof(err)) < 0)
		panic("%s", err);
	boot_info.info_phys = mbi_phys;
}

static void e820_print_entry(const struct e820_entry *e, int (*out)(const char *, ...))
{
	const char *name = e820_type_name(e->type);

	/* The end is inclusive, as Linux prints it; a zero-size entry ends
	 * one below its start, which is what Linux shows too. Linux shows an
	 * unknown type as "type N". */
	if (strcmp(name, "unknown"))
		out("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)e->addr,
		    (unsigned long long)(e->addr + e->size - 1), name);
	else
		out("BIOS-e820: [mem 0x%016llx-0x%016llx] type %u\n", (unsigned long long)e->addr,
		    (unsigned long long)(e->addr + e->size - 1), e->type);
}

static __init int pr_info_line(const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return printk(KERN_INFO "%s", buf);
}

void __init e820_print_map(const char *who)
{
	pr_info("%s-provided physical RAM map:\n", who);
	for (uint32_t i = 0; i < boot_info.nr_e820; i++)
		e820_print_entry(&boot_info.e820[i], pr_info_line);
}

static int cmd_memmap(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return -1;
	for (uint32_t i = 0; i < boot_info.nr_e820; i++)
		e820_print_entry(&boot_info.e820[i], console_printf);
	return 0;
}
DEFINE_SHELL_CMD(memmap, "memmap", "the firmware memory map (Linux's BIOS-e820 lines)", cmd_memmap);

static int cmd_bootinfo(int argc, char **argv)
{
	const struct boot_info *bi = &boot_info;

	(void)argv;
	if (argc != 1)
		return -1;
	console_printf("protocol:    %s (info at %#lx, %lu bytes)\n", bi->protocol,
		       (unsigned long)bi->info_phys, (unsigned long)bi->info_size);
	console_printf("bootloader:  %s\n", bi->loader_name);
	console_printf("cmdline:     %s\n", bi->cmdline);
	if (bi->has_basic_meminfo)
		console_printf("meminfo:     lower %u KiB, upper %u KiB\n",
			       bi->mem_lower_kb, bi->mem_upper_kb);
	console_printf("modules:     %u\n", bi->nr_modules);
	for (uint32_t i = 0; i < bi->nr_modules; i++)
		console_printf("  [mem 0x%016llx-0x%016llx] %s\n",
			       (unsigned long long)bi->modules[i].start,
			       (unsigned long long)bi->modules[i].end - 1, bi->modules[i].cmdline);
	if (bi->rsdp_version)
		console_printf("ACPI RSDP:   %s, OEM %.6s, revision %u\n",
			       bi->rsdp_version == 2 ? "v2 (new)" : "v1 (old)",
			       (const char *)bi->rsdp + 9, bi->rsdp[15]);
	else
		console_printf("ACPI RSDP:   none from the loader\n");
	if (bi->has_framebuffer)
		console_printf("framebuffer: %#llx %ux%u, %u bpp, type %u\n",
			       (unsigned long long)bi->fb.addr, bi->fb.width, bi->fb.height,
			       bi->fb.bpp, bi->fb.type);
	if (bi->nr_warnings)
		console_printf("warnings:    %u tags skipped or truncated\n", bi->nr_warnings);
	return 0;
}
DEFINE_SHELL_CMD(bootinfo, "bootinfo", "what the boot loader told us", cmd_bootinfo);

/* The resource tree's view of the firmware map, Linux's names
 * (arch/x86/kernel/e820.c), and the kernel's sections inside System RAM. */
static const char *e820_resource_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:      return "System RAM";
	case E820_TYPE_ACPI:     return "ACPI Tables";
	case E820_TYPE_NVS:      return "ACPI Non-volatile Storage";
	case E820_TYPE_UNUSABLE: return "Unusable memory";
	case 7: case 12:         return "Persistent Memory";
	default:                 return "Reserved";
	}
}

static struct resource e820_res[E820_MAX_ENTRIES];
static struct resource kernel_res[4] = {
	{ .name = "Kernel code" }, { .name = "Kernel rodata" },
	{ .name = "Kernel data" }, { .name = "Kernel bss" },
};

void __init e820_reserve_resources(void)
{
	char *bounds[4][2] = { { _text, _etext }, { __start_rodata, __end_rodata },
			       { _sdata, _edata }, { __bss_start, _end } };

	for (uint32_t i = 0; i < boot_info.nr_e820; i++) {
		const struct e820_entry *e = &boot_info.e820[i];

		if (!e->size || e->addr + e->size - 1 < e->addr)
			continue;       /* memblock already warned about it */
		e820_res[i] = (struct resource){ .start = e->addr, .end = e->addr + e->size - 1,
						 .name = e820_resource_name(e->type),
						 .flags = IORESOURCE_MEM };
		request_resource(&iomem_resource, &e820_res[i]);
	}
	for (int i = 0; i < 4; i++) {
		kernel_res[i].start = __pa_symbol(bounds[i][0]);
		kernel_res[i].end = __pa_symbol(bounds[i][1]) - 1;
		kernel_res[i].flags = IORESOURCE_MEM | IORESOURCE_BUSY;
		request_resource(&iomem_resource, &kernel_res[i]);
	}
}
