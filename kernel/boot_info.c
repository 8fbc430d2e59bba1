/* Filling struct boot_info: what the multiboot2 and PVH parsers share
 * (contracts in kernel/boot_info.h). Both read untrusted loader data, so
 * every limit of the structure is enforced here, in one place: a string
 * that is too long is cut, a table that is full stops growing, and each
 * such loss is counted in nr_warnings for bootinfo to show. */
#include <stdarg.h>
#include "kernel/boot_info.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

int boot_info_fail(struct boot_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e->buf && e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void boot_info_set_string(struct boot_info *bi, char *dst, size_t dstlen,
			  const char *src, size_t n)
{
	if (n >= dstlen) {
		n = dstlen - 1;
		bi->nr_warnings++;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct boot_module *boot_info_add_module(struct boot_info *bi, uint64_t start, uint64_t end)
{
	struct boot_module *m;

	if (bi->nr_modules == BOOT_MODULES_MAX) {
		bi->nr_warnings++;
		return NULL;
	}
	m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	m->cmdline[0] = '\0';
	return m;
}

bool boot_info_add_e820(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_entry *e;

	if (bi->nr_e820 == E820_MAX_ENTRIES) {
		bi->nr_warnings++;
		return false;
	}
	e = &bi->e820[bi->nr_e820++];
	e->addr = addr;
	e->size = size;
	e->type = type;
	return true;
}

bool boot_info_add_efi_md(struct boot_info *bi, const efi_memory_desc_t *md)
{
	if (bi->nr_efi_mmap == BOOT_EFI_MMAP_MAX) {
		bi->nr_warnings++;
		return false;
	}
	bi->efi_mmap[bi->nr_efi_mmap++] = *md;
	return true;
}

void boot_info_set_rsdp(struct boot_info *bi, const void *rsdp, uint32_t len, uint32_t version)
{
	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, rsdp, len);
	bi->rsdp_len = len;
	bi->rsdp_version = version;
}
