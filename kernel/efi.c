/* The UEFI memory map in Linux's format (kernel/efi.h). */
#include "kernel/efi.h"
#include "kernel/vsprintf.h"
#ifndef HOST_TEST
#include "kernel/boot_info.h"
#endif

/* drivers/firmware/efi/efi.c's memory_type_name, 12 characters at most. */
static const char memory_type_name[][13] = {
	"Reserved", "Loader Code", "Loader Data", "Boot Code", "Boot Data",
	"Runtime Code", "Runtime Data", "Conventional", "Unusable",
	"ACPI Reclaim", "ACPI Mem NVS", "MMIO", "MMIO Port", "PAL Code",
	"Persistent", "Unaccepted",
};

#define EFI_ATTR_KNOWN (EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | \
	EFI_MEMORY_WB | EFI_MEMORY_UCE | EFI_MEMORY_RO | EFI_MEMORY_WP | \
	EFI_MEMORY_RP | EFI_MEMORY_XP | EFI_MEMORY_NV | EFI_MEMORY_SP | \
	EFI_MEMORY_CPU_CRYPTO | EFI_MEMORY_RUNTIME | EFI_MEMORY_MORE_RELIABLE)

char *efi_md_typeattr_format(char *buf, size_t size, const efi_memory_desc_t *md)
{
	uint64_t attr = md->attribute;
	int n;

	if (md->type < sizeof(memory_type_name) / sizeof(memory_type_name[0]))
		n = snprintf(buf, size, "[%-12s", memory_type_name[md->type]);
	else
		n = snprintf(buf, size, "[type=%u", md->type);
	if (n < 0 || (size_t)n >= size)
		return buf;
	if (attr & ~EFI_ATTR_KNOWN)
		snprintf(buf + n, size - n, "|attr=0x%016llx]", (unsigned long long)attr);
	else
		snprintf(buf + n, size - n,
			 "|%3s|%2s|%2s|%2s|%2s|%2s|%2s|%2s|%2s|%3s|%2s|%2s|%2s|%2s]",
			 attr & EFI_MEMORY_RUNTIME       ? "RUN" : "",
			 attr & EFI_MEMORY_MORE_RELIABLE ? "MR"  : "",
			 attr & EFI_MEMORY_CPU_CRYPTO    ? "CC"  : "",
			 attr & EFI_MEMORY_SP            ? "SP"  : "",
			 attr & EFI_MEMORY_NV            ? "NV"  : "",
			 attr & EFI_MEMORY_XP            ? "XP"  : "",
			 attr & EFI_MEMORY_RP            ? "RP"  : "",
			 attr & EFI_MEMORY_WP            ? "WP"  : "",
			 attr & EFI_MEMORY_RO            ? "RO"  : "",
			 attr & EFI_MEMORY_UCE           ? "UCE" : "",
			 attr & EFI_MEMORY_WB            ? "WB"  : "",
			 attr & EFI_MEMORY_WT            ? "WT"  : "",
			 attr & EFI_MEMORY_WC            ? "WC"  : "",
			 attr & EFI_MEMORY_UC            ? "UC"  : "");
	return buf;
}

#ifndef HOST_TEST
/* The parser (kernel/multiboot2.c) kept only descriptors whose range does
 * not wrap, so the end below cannot overflow. */
void efi_print_memmap(int (*out)(const char *fmt, ...))
{
	for (uint32_t i = 0; i < boot_info.nr_efi_mmap; i++) {
		const efi_memory_desc_t *md = &boot_info.efi_mmap[i];
		char buf[64];

		out("efi: mem%02u: %s range=[0x%016llx-0x%016llx] (%lluMB)\n", i,
		    efi_md_typeattr_format(buf, sizeof(buf), md),
		    (unsigned long long)md->phys_addr,
		    (unsigned long long)(md->phys_addr + (md->num_pages << EFI_PAGE_SHIFT) - 1),
		    (unsigned long long)(md->num_pages >> (20 - EFI_PAGE_SHIFT)));
	}
}
#endif
