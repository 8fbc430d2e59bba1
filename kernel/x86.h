/* Control registers, MSRs, CPUID, TSC and interrupt-flag helpers. */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

#define X86_CR0_WP   (1UL << 16)
#define X86_CR0_PG   (1UL << 31)
#define X86_CR4_PAE  (1UL << 5)
#define X86_CR4_PGE  (1UL << 7)
#define X86_CR4_LA57 (1UL << 12)   /* 5-level paging (SDM Vol. 3A 2.5) */
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_AC (1UL << 18)

#define MSR_EFER     0xc0000080
#define EFER_SCE     (1UL << 0)
#define EFER_LME     (1UL << 8)
#define EFER_NX      (1UL << 11)

#define DEFINE_CR_ACCESS(n)                                              \
	static inline unsigned long read_cr##n(void)                     \
	{                                                                \
		unsigned long v;                                         \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));            \
		return v;                                                \
	}                                                                \
	static inline void write_cr##n(unsigned long v)                  \
	{                                                                \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");   \
	}
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
			       uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline unsigned long read_rflags(void)
{
	unsigned long f;
	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void local_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { asm volatile("sti" ::: "memory"); }

static inline unsigned long local_irq_save(void)
{
	unsigned long f = read_rflags();
	local_irq_disable();
	return f;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

/* sti's one-instruction interrupt shadow (SDM 2B, STI) makes "sti; hlt"
 * atomic: an interrupt that is already pending wakes the hlt, never slips
 * in between and leaves us asleep. */
static inline void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }

static inline void __flush_tlb_one(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
