/* PIT channel 2 as a stopwatch (see drivers/pit.h). Ports: 0x42 channel 2
 * data, 0x43 mode/command, 0x61 bit 0 gate 2, bit 1 speaker, bit 5 OUT2. */
#include "drivers/pit.h"
#include "kernel/io.h"
#include "kernel/x86.h"

#define PIT_CH2      0x42
#define PIT_MODE     0x43
#define PORT_B       0x61

uint64_t pit_measure_tsc(unsigned int ms)
{
	uint32_t count = (uint32_t)(PIT_TICK_RATE * ms / 1000);
	uint64_t t0, t1;

	/* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0 (interrupt on
	 * terminal count: OUT2 goes high when the count reaches zero). */
	outb((inb(PORT_B) & ~0x02) | 0x01, PORT_B);
	outb(0xb0, PIT_MODE);
	outb(count & 0xff, PIT_CH2);
	outb(count >> 8, PIT_CH2);
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20))
		cpu_relax();
	t1 = rdtsc();
	return t1 - t0;
}
