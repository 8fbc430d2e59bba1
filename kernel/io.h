/* Port I/O (SDM Vol. 1 18.2: the 64 KiB I/O address space). */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stdint.h>

static inline void outb(uint8_t val, uint16_t port)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t val, uint16_t port)
{
	asm volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint32_t val, uint16_t port)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

/* Memory-mapped device registers: volatile so every access reaches the
 * device, in program order, exactly as wide as written. */
static inline uint32_t readl(const volatile void *addr) { return *(const volatile uint32_t *)addr; }
static inline void writel(uint32_t v, volatile void *addr) { *(volatile uint32_t *)addr = v; }
static inline uint64_t readq(const volatile void *addr) { return *(const volatile uint64_t *)addr; }
static inline void writeq(uint64_t v, volatile void *addr) { *(volatile uint64_t *)addr = v; }
static inline void writew(uint16_t v, volatile void *addr) { *(volatile uint16_t *)addr = v; }

/* A write to port 0x80 (POST codes) takes ~1 us on a PC: a short delay. */
static inline void io_delay(void)
{
	outb(0, 0x80);
}

#endif
