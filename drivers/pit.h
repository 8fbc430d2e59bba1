/* The 8253/8254 programmable interval timer: 1.193182 MHz input clock.
 * Carta uses channel 2 (the speaker channel, whose output can be read back
 * on port 0x61) as a stopwatch to calibrate the TSC. */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_TICK_RATE 1193182UL

/* `ticks` PIT input clocks took between min_cycles and max_cycles of the
 * TSC: the window's length is known to within max - min. */
struct pit_tsc_window {
	uint32_t ticks;
	uint64_t min_cycles, max_cycles;
};

/* Busy-waits `count` PIT clocks (2..65535: up to 55 ms) on channel 2 and
 * fills *w; false if the PIT never answered (no PIT). Interrupts should
 * be off: an interrupt inside the window only widens its bounds. */
bool pit_measure_tsc(uint32_t count, struct pit_tsc_window *w);

void pit_request_resources(void);

#endif
