/* /dev/kbuf (drivers/kbuf.c): a driver-owned kernel buffer that
 * processes map with mmap (remap_pfn_range). */
#ifndef DRIVERS_KBUF_H
#define DRIVERS_KBUF_H

void kbuf_init(void);
unsigned long kbuf_phys(void);  /* its physical address; 0 if none */

#endif
