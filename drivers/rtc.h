/* The CMOS real-time clock (MC146818 and compatibles) at ports 0x70/0x71:
 * read once at boot and printed, as Linux's rtc_cmos does. */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdbool.h>
#include <stdint.h>

struct rtc_time {
	unsigned int year, month, day, hour, min, sec;
};

/* Reads the clock (waiting out an update in progress); false if it reads
 * as nonsense (no RTC). */
bool rtc_read_time(struct rtc_time *t);
/* Seconds since 1970-01-01 00:00 UTC (the RTC is taken to hold UTC). */
uint64_t rtc_tm_to_time64(const struct rtc_time *t);
void rtc_init(void);

void rtc_request_resources(void);

#endif
