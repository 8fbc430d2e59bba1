/* The HPET (IA-PC HPET specification 1.0a): found through ACPI, its
 * registers mapped uncached at FIX_HPET_BASE. Identified only for now. */
#ifndef DRIVERS_HPET_H
#define DRIVERS_HPET_H

#include <stdint.h>

void hpet_init(void);
uint64_t hpet_read_counter(void);     /* 0 if there is no HPET */

void hpet_request_resources(void);

#endif
