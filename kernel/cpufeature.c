/* CPUID decoding (kernel/cpufeature.h); leaf and bit numbers from SDM Vol.
 * 2A, CPUID, Tables 3-8 (leaf 1), 3-8 (leaf 7) and the AMD64 manual (leaf
 * 0x80000001). */
#include "kernel/cpufeature.h"
#include "kernel/init.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "kernel/printk.h"

enum { EAX, EBX, ECX, EDX };

struct feature_bit {
	const char *name;
	uint32_t leaf;
	uint8_t reg, bit;
};

static const struct feature_bit feature_bits[NR_CPU_FEATURES] = {
	[X86_FEATURE_PSE]     = { "pse",     0x1,        EDX, 3 },
	[X86_FEATURE_TSC]     = { "tsc",     0x1,        EDX, 4 },
	[X86_FEATURE_PAE]     = { "pae",     0x1,        EDX, 6 },
	[X86_FEATURE_APIC]    = { "apic",    0x1,        EDX, 9 },
	[X86_FEATURE_PGE]     = { "pge",     0x1,        EDX, 13 },
	[X86_FEATURE_PAT]     = { "pat",     0x1,        EDX, 16 },
	[X86_FEATURE_PCID]    = { "pcid",    0x1,        ECX, 17 },
	[X86_FEATURE_NX]      = { "nx",      0x80000001, EDX, 20 },
	[X86_FEATURE_PDPE1GB] = { "pdpe1gb", 0x80000001, EDX, 26 },
	[X86_FEATURE_LM]      = { "lm",      0x80000001, EDX, 29 },
	[X86_FEATURE_SMEP]    = { "smep",    0x7,        EBX, 7 },
	[X86_FEATURE_INVPCID] = { "invpcid", 0x7,        EBX, 10 },
	[X86_FEATURE_SMAP]    = { "smap",    0x7,        EBX, 20 },
	[X86_FEATURE_LA57]    = { "la57",    0x7,        ECX, 16 },
};

struct cpuinfo_x86 boot_cpu_data;

const char *cpu_feature_name(int f)
{
	return f >= 0 && f < NR_CPU_FEATURES ? feature_bits[f].name : "?";
}

static void cpuid_regs(uint32_t leaf, uint32_t r[4])
{
	uint32_t max = leaf >= 0x80000000 ? 0x80000000 : 0;

	cpuid_count(max, 0, &r[EAX], &r[EBX], &r[ECX], &r[EDX]);
	if (leaf > r[EAX]) {            /* leaf not implemented: no bits */
		memset(r, 0, 4 * sizeof(r[0]));
		return;
	}
	cpuid_count(leaf, 0, &r[EAX], &r[EBX], &r[ECX], &r[EDX]);
}

static __init void read_identity(struct cpuinfo_x86 *c)
{
	uint32_t r[4];

	cpuid_regs(0, r);
	memcpy(c->vendor_id, &r[EBX], 4);
	memcpy(c->vendor_id + 4, &r[EDX], 4);
	memcpy(c->vendor_id + 8, &r[ECX], 4);
	cpuid_regs(1, r);
	c->family = (r[EAX] >> 8) & 0xf;
	c->model = (r[EAX] >> 4) & 0xf;
	c->stepping = r[EAX] & 0xf;
	if (c->family == 0xf)           /* SDM 2A: extended family/model */
		c->family += (r[EAX] >> 20) & 0xff;
	if (c->family >= 6)
		c->model += ((r[EAX] >> 16) & 0xf) << 4;
	for (uint32_t i = 0; i < 3; i++) {      /* brand string, 0x80000002..4 */
		cpuid_regs(0x80000002 + i, r);
		memcpy(c->model_id + 16 * i, r, 16);
	}
	cpuid_regs(0x80000008, r);
	c->phys_bits = r[EAX] ? (r[EAX] & 0xff) : 36;
	c->virt_bits = r[EAX] ? ((r[EAX] >> 8) & 0xff) : 48;
}

void __init early_cpu_init(void)
{
	struct cpuinfo_x86 *c = &boot_cpu_data;
	uint32_t r[4];

	memset(c, 0, sizeof(*c));
	read_identity(c);
	for (int f = 0; f < NR_CPU_FEATURES; f++) {
		cpuid_regs(feature_bits[f].leaf, r);
		if (r[feature_bits[f].reg] & (1u << feature_bits[f].bit))
			c->caps |= 1ULL << f;
	}
}

/* Like /proc/cpuinfo: identity, address sizes, the flags Carta knows. */
void cpuinfo_show(void)
{
	const struct cpuinfo_x86 *c = &boot_cpu_data;
	const char *m = c->model_id;

	while (*m == ' ')
		m++;
	console_printf("vendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
		       c->vendor_id, c->family, c->model);
	console_printf("model name\t: %s\nstepping\t: %u\n", m, c->stepping);
	console_printf("address sizes\t: %u bits physical, %u bits virtual\n",
		       c->phys_bits, c->virt_bits);
	console_printf("flags\t\t:");
	for (int f = 0; f < NR_CPU_FEATURES; f++)
		if (boot_cpu_has(f))
			console_printf(" %s", feature_bits[f].name);
	console_printf("\n");
}
