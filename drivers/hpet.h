/* The HPET (IA-PC HPET specification 1.0a): found through ACPI, its
 * registers mapped uncached (UC-) by ioremap. Identified only for now. */
#ifndef DRIVERS_HPET_H
#define DRIVERS_HPET_H

#include <stdint.h>

void hpet_init(void);
uint64_t hpet_read_counter(void);     /* 0 if there is no HPET */

void hpet_request_resources(void);

#endif
