/* COM1, a 16550 UART at port 0x3f8: the primary console, 115200 8N1.
 * Output is polled (it must work from panic with interrupts off); input
 * arrives by IRQ 4 into a 1 KiB ring buffer that serial_getc() drains.
 * A full ring holds input back in the UART while the shell reads; while a
 * foreground program runs it drops (and counts) bytes instead, so that
 * Ctrl-C always gets through (docs/console.md). */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);          /* port set-up and console registration */
void serial_enable_rx_irq(void); /* after the IDT and PIC are ready */
int  serial_getc(void);          /* sleeps until a byte arrives */
/* Ctrl-C, as a terminal's ISIG (docs/console.md). The shell turns ISIG on
 * when it has read a line and starts running it, off when it goes back to
 * reading. Off, Ctrl-C is a byte for the line editor. On, it discards the
 * type-ahead and kills the foreground process; if there is none yet, it
 * is remembered, and serial_set_fg kills the process `run` starts. A
 * Ctrl-C already in the type-ahead when ISIG goes on counts the same.
 * Turning ISIG off forgets a Ctrl-C no program took. */
void serial_set_isig(bool on);
/* Sets the process Ctrl-C kills (the shell's foreground job); 0: none. */
void serial_set_fg(int pid);
/* Up to n bytes, sleeping until at least one came: the count, or -EINTR
 * if the task was killed while it waited. */
int  serial_read(char *buf, int n);
int  serial_try_getc(void);      /* -1 if none is waiting */
void serial_write(const char *s, size_t n);
/* One pr_warn line with the bytes dropped on a full ring since the last
 * call, if any; the shell calls it before each prompt (so at most one
 * line per command, in process context, never inside an echoed line). */
void serial_report_dropped(void);

/* Claims COM1's ports in ioport_resource (once kmalloc works). */
void serial_request_resources(void);

#endif
