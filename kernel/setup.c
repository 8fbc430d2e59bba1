/* The boot information copy and the kernel image's resources (kernel/setup.h). */
#include "kernel/setup.h"
#include "kernel/e820.h"
#include "kernel/init.h"
#include "kernel/boot_info.h"
#include "kernel/initramfs.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/pvh.h"
#include "kernel/string.h"
#include "kernel/types.h"
#include "kernel/resource.h"
#include "kernel/sections.h"
#include "mm/memlayout.h"

struct boot_info boot_info;
static uint8_t boot_info_copy[BOOT_INFO_COPY_MAX] __attribute__((aligned(8)));

#define IDENT_MAP_END (4ULL << 30)      /* boot/early_pgt.asm maps 0..4 GiB */

/* GRUB's block is one piece: copy it whole (bounded), then parse the copy. */
static void __init setup_multiboot2(uint64_t mbi_phys)
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

/* The parsers' window on physical memory: the boot identity map, so
 * anything below 4 GiB except address 0 (the PVH ABI's "not present"; QEMU's
 * option ROM does put its memory map in page 0, at 0x5a8). */
static const void *__init ident_map_phys(uint64_t phys, size_t len)
{
	if (!phys || phys > IDENT_MAP_END || len > IDENT_MAP_END - phys)
		return NULL;
	return (const void *)phys;
}

void __init setup_boot_info(uint32_t magic, uint64_t info_phys)
{
	char err[160];

	if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
		setup_multiboot2(info_phys);
	else if (magic == XEN_HVM_START_MAGIC_VALUE) {
		if (pvh_parse(info_phys, ident_map_phys, &boot_info, err, sizeof(err)) < 0)
			panic("%s", err);
	} else
		panic("setup_boot_info: unknown boot protocol magic %#x", magic);
	populate_rootfs(ident_map_phys);
}

/* The kernel image's sections in iomem_resource, inside the System RAM
 * that e820__reserve_resources put there (Linux's code_resource and its
 * siblings in arch/x86/kernel/setup.c). */
static struct resource kernel_res[4] = {
	{ .name = "Kernel code" }, { .name = "Kernel rodata" },
	{ .name = "Kernel data" }, { .name = "Kernel bss" },
};

void __init request_kernel_resources(void)
{
	char *bounds[4][2] = { { _text, _etext }, { __start_rodata, __end_rodata },
			       { _sdata, _edata }, { __bss_start, _end } };

	for (unsigned int i = 0; i < ARRAY_SIZE(kernel_res); i++) {
		kernel_res[i].start = __pa_symbol(bounds[i][0]);
		kernel_res[i].end = __pa_symbol(bounds[i][1]) - 1;
		kernel_res[i].flags = IORESOURCE_MEM | IORESOURCE_BUSY;
		request_resource(&iomem_resource, &kernel_res[i]);
	}
}

void boot_info_show(void)
{
	const struct boot_info *bi = &boot_info;

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
		console_printf("framebuffer: %#llx %ux%u, %u bpp, type %u, pitch %u\n",
			       (unsigned long long)bi->fb.addr, bi->fb.width, bi->fb.height,
			       bi->fb.bpp, bi->fb.type, bi->fb.pitch);
	if (bi->has_framebuffer && bi->fb.type == BOOT_FB_TYPE_RGB)
		console_printf("             red %u:%u, green %u:%u, blue %u:%u (bit position:size)\n",
			       bi->fb.red_pos, bi->fb.red_size, bi->fb.green_pos,
			       bi->fb.green_size, bi->fb.blue_pos, bi->fb.blue_size);
	if (bi->efi_systab)
		console_printf("EFI:         system table at %#llx\n",
			       (unsigned long long)bi->efi_systab);
	if (bi->nr_efi_mmap)
		console_printf("EFI mmap:    %u descriptors, version %u (memmap shows them)\n",
			       bi->nr_efi_mmap, bi->efi_desc_version);
	if (bi->nr_warnings)
		console_printf("warnings:    %u entries skipped or truncated\n", bi->nr_warnings);
}
