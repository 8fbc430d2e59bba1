/* Time since boot, from the TSC calibrated against the PIT. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

extern uint64_t tsc_khz;

void tsc_early_init(void);      /* records the TSC at boot: time zero */
void tsc_calibrate(void);       /* measures tsc_khz; timestamps start moving */
uint64_t ktime_get_us(void);    /* microseconds since tsc_early_init; 0 before calibration */
uint64_t tsc_cycles_to_us(uint64_t cycles);    /* TSC cycles as microseconds; 0 before calibration */
void udelay(unsigned long us);

#endif
