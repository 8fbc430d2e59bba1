/* The 8253/8254 programmable interval timer: 1.193182 MHz input clock.
 * Carta uses channel 2 (the speaker channel, whose output can be read back
 * on port 0x61) as a stopwatch to calibrate the TSC. */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include <stdint.h>

#define PIT_TICK_RATE 1193182UL

/* Busy-waits for `ms` milliseconds (1..50) on channel 2; returns the TSC
 * cycles that passed, or 0 if the PIT never answered (no PIT, pit=off).
 * Interrupts should be off. */
uint64_t pit_measure_tsc(unsigned int ms);

void pit_request_resources(void);

#endif
