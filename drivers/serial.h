/* COM1, a 16550 UART at port 0x3f8: the primary console, 115200 8N1.
 * Output is polled (it must work from panic with interrupts off); input
 * arrives by IRQ 4 into a ring buffer that serial_getc() drains, with
 * backpressure instead of loss when the ring is full. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stddef.h>

void serial_init(void);          /* port set-up and console registration */
void serial_enable_rx_irq(void); /* after the IDT and PIC are ready */
int  serial_getc(void);          /* sleeps until a byte arrives */
/* The process Ctrl-C kills (the shell's foreground job); 0: none. */
extern int console_fg_pid;
/* Up to n bytes, sleeping until at least one came: the count, or -EINTR
 * if the task was killed while it waited. */
int  serial_read(char *buf, int n);
int  serial_try_getc(void);      /* -1 if none is waiting */
void serial_write(const char *s, size_t n);

/* Claims COM1's ports in ioport_resource (once kmalloc works). */
void serial_request_resources(void);

#endif
