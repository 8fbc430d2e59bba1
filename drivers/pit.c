/* PIT channel 2 as a stopwatch (see drivers/pit.h). Ports: 0x42 channel 2
 * data, 0x43 mode/command, 0x61 "port B": bit 0 gates channel 2, bit 1
 * drives the speaker, bit 5 reads channel 2's output (8254 data sheet). */
#include "drivers/pit.h"
#include "kernel/init.h"
#include "kernel/resource.h"
#include "kernel/io.h"
#include "kernel/x86.h"

#define PIT_CH2          0x42
#define PIT_MODE         0x43
#define PORT_B           0x61
#define PORT_B_GATE2     0x01
#define PORT_B_SPEAKER   0x02
#define PORT_B_OUT2      0x20
/* mode/command byte: channel 2 (bits 7:6 = 10), lobyte/hibyte access
 * (5:4 = 11), mode 0 "interrupt on terminal count" (3:1 = 000), binary */
#define PIT_CMD_CH2_MODE0 0xb0
/* No PIT answers in this many reads of port B: give up (each read is an
 * I/O access of ~1 us on a PC, so this is about a second). */
#define PIT_POLL_LIMIT   1000000

uint64_t pit_measure_tsc(unsigned int ms)
{
	uint32_t count = (uint32_t)(PIT_TICK_RATE * ms / 1000);
	uint64_t t0, t1;
	long polls = 0;

	outb((inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2, PORT_B);
	outb(PIT_CMD_CH2_MODE0, PIT_MODE);
	outb(count & 0xff, PIT_CH2);
	outb(count >> 8, PIT_CH2);
	t0 = rdtsc();
	/* mode 0: OUT2 goes high when the count reaches zero */
	while (!(inb(PORT_B) & PORT_B_OUT2))
		if (++polls > PIT_POLL_LIMIT)
			return 0;
	t1 = rdtsc();
	return t1 - t0;
}

void __init pit_request_resources(void)
{
	request_region(0x40, 4, "timer0");      /* channels 0-2 and the mode port */
}
