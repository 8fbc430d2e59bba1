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

/* The window opens when the count's high byte is written (QEMU loads it
 * then; an 8254 on the next input clock, up to 0.84 us later) and closes
 * when OUT2 goes high, seen between the last poll that read it low and
 * the first that reads it high. A TSC read on each side of each of those
 * port accesses bounds both ends. */
bool pit_measure_tsc(uint32_t count, struct pit_tsc_window *w)
{
	uint64_t open_lo, open_hi, before, after, t;
	long polls = 0;

	if (count < 2 || count > 0xffff)
		return false;
	outb((inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2, PORT_B);
	outb(PIT_CMD_CH2_MODE0, PIT_MODE);
	outb(count & 0xff, PIT_CH2);
	open_lo = rdtsc();
	outb(count >> 8, PIT_CH2);
	open_hi = rdtsc();
	/* mode 0: OUT2 goes high when the count reaches zero */
	before = after = open_hi;
	for (;;) {
		uint8_t b = inb(PORT_B);

		t = rdtsc();
		if (b & PORT_B_OUT2)
			break;
		if (++polls > PIT_POLL_LIMIT)
			return false;
		before = after;         /* this poll read low somewhere in [before, t] */
		after = t;
	}
	/* closed after the last low read (so after `before`), by the high one (by t) */
	w->min_cycles = before - open_hi;
	w->max_cycles = t - open_lo;
	w->ticks = count;
	return true;
}

void __init pit_request_resources(void)
{
	request_region(0x40, 4, "timer0");      /* channels 0-2 and the mode port */
}
