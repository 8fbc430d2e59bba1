/* CMOS RTC (drivers/rtc.h). Registers (MC146818A data sheet): 0x00 seconds,
 * 0x02 minutes, 0x04 hours, 0x07 day, 0x08 month, 0x09 year, 0x0a status
 * A (bit 7: update in progress), 0x0b status B (bit 2: binary, not BCD;
 * bit 1: 24-hour), and the century at 0x32 (the ACPI FADT's usual index). */
#include "drivers/rtc.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define RTC_INDEX      0x70
#define RTC_DATA       0x71
#define RTC_NMI_OFF    0x80     /* index bit 7 keeps NMIs masked while we read */
#define RTC_SECONDS    0x00
#define RTC_MINUTES    0x02
#define RTC_HOURS      0x04
#define RTC_DAY        0x07
#define RTC_MONTH      0x08
#define RTC_YEAR       0x09
#define RTC_STATUS_A   0x0a
#define RTC_STATUS_B   0x0b
#define RTC_CENTURY    0x32
#define RTC_UIP        0x80
#define RTC_DM_BINARY  0x04
#define RTC_24H        0x02

static uint8_t cmos_read(uint8_t reg)
{
	outb(RTC_NMI_OFF | reg, RTC_INDEX);
	return inb(RTC_DATA);
}

static unsigned int bcd2bin(uint8_t v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

static void read_raw(uint8_t r[7])
{
	static const uint8_t regs[7] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY,
					 RTC_MONTH, RTC_YEAR, RTC_CENTURY };

	for (int i = 0; i < 10000 && (cmos_read(RTC_STATUS_A) & RTC_UIP); i++)
		cpu_relax();    /* the registers change during an update (~2 ms) */
	for (int i = 0; i < 7; i++)
		r[i] = cmos_read(regs[i]);
}

bool rtc_read_time(struct rtc_time *t)
{
	uint8_t a[7], b[7], status;
	unsigned int v[7];
	bool pm;

	/* read until two reads agree: an update may still slip in between */
	read_raw(a);
	for (int tries = 0; tries < 5; tries++) {
		read_raw(b);
		if (!__builtin_memcmp(a, b, sizeof(a)))
			break;
		__builtin_memcpy(a, b, sizeof(a));
	}
	status = cmos_read(RTC_STATUS_B);
	pm = !(status & RTC_24H) && (a[2] & 0x80);
	a[2] &= 0x7f;
	for (int i = 0; i < 7; i++)
		v[i] = status & RTC_DM_BINARY ? a[i] : bcd2bin(a[i]);
	if (pm)
		v[2] = (v[2] % 12) + 12;
	t->sec = v[0];
	t->min = v[1];
	t->hour = v[2];
	t->day = v[3];
	t->month = v[4];
	t->year = (v[6] >= 19 && v[6] <= 21 ? v[6] : 20) * 100 + v[5];
	return t->sec < 60 && t->min < 60 && t->hour < 24 && t->day >= 1 && t->day <= 31 &&
	       t->month >= 1 && t->month <= 12;
}

/* Days from 1970-01-01 to the first of `month` (1-12) in `year`. */
static uint64_t days_before(unsigned int year, unsigned int month)
{
	static const unsigned int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	uint64_t y = year - 1970, days = y * 365;
	unsigned int leaps = (year - 1) / 4 - (year - 1) / 100 + (year - 1) / 400 - 477;

	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days + leaps + cum[month - 1] + (leap && month > 2);
}

uint64_t rtc_tm_to_time64(const struct rtc_time *t)
{
	return ((days_before(t->year, t->month) + t->day - 1) * 24 + t->hour) * 3600 +
	       t->min * 60 + t->sec;
}

void __init rtc_init(void)
{
	struct rtc_time t;

	if (!rtc_read_time(&t)) {
		pr_warn("rtc_cmos: the clock reads as nonsense; no RTC?\n");
		return;
	}
	pr_info("rtc_cmos rtc_cmos: setting system clock to %04u-%02u-%02uT%02u:%02u:%02u UTC (%llu)\n",
		t.year, t.month, t.day, t.hour, t.min, t.sec,
		(unsigned long long)rtc_tm_to_time64(&t));
}

void __init rtc_request_resources(void)
{
	request_region(RTC_INDEX, 8, "rtc0");   /* 0x70-0x77, as Linux claims */
}
