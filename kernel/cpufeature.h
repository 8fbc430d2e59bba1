/* CPU features, read once from CPUID at boot (the one place runtime CPU
 * features are checked; STYLE.md 11). Names as Linux's /proc/cpuinfo flags. */
#ifndef KERNEL_CPUFEATURE_H
#define KERNEL_CPUFEATURE_H

#include <stdbool.h>
#include <stdint.h>

enum cpu_feature {
	X86_FEATURE_PSE, X86_FEATURE_TSC, X86_FEATURE_PAE, X86_FEATURE_APIC,
	X86_FEATURE_PGE, X86_FEATURE_PAT, X86_FEATURE_PCID, X86_FEATURE_NX,
	X86_FEATURE_PDPE1GB, X86_FEATURE_LM, X86_FEATURE_SMEP,
	X86_FEATURE_INVPCID, X86_FEATURE_SMAP, X86_FEATURE_LA57,
	NR_CPU_FEATURES
};

struct cpuinfo_x86 {
	char vendor_id[13];
	char model_id[49];
	unsigned int family, model, stepping;
	unsigned int phys_bits, virt_bits;
	uint64_t caps;          /* bit n: feature n present */
};

extern struct cpuinfo_x86 boot_cpu_data;

void early_cpu_init(void);
const char *cpu_feature_name(int f);
/* Prints boot_cpu_data like /proc/cpuinfo (`cpuinfo`). */
void cpuinfo_show(void);

static inline bool boot_cpu_has(int f)
{
	return boot_cpu_data.caps & (1ULL << f);
}

#endif
