/* /dev/kbuf (drivers/kbuf.c): a driver-owned kernel buffer that
 * processes map with mmap (remap_pfn_range). */
#ifndef DRIVERS_KBUF_H
#define DRIVERS_KBUF_H

void kbuf_init(void);
unsigned long kbuf_phys(void);  /* its physical address; 0 if none */
/* Replaces the kernel's half of the buffer (the first string) with text,
 * cut to fit; -ENODEV if the buffer could not be allocated at boot. */
int kbuf_write(const char *text);
/* Prints where the buffer is, which processes map it, and both halves'
 * strings (non-printable bytes as '.'); -ENODEV without a buffer. */
int kbuf_show(void);

#endif
