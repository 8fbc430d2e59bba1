/* The 16550 UART driver (drivers/serial.h). Register offsets from the
 * 16550D data sheet: 0 data/divisor-low, 1 IER/divisor-high, 2 FCR/IIR,
 * 3 LCR, 4 MCR, 5 LSR. */
#include <stdbool.h>
#include <stdint.h>
#include "drivers/serial.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "drivers/pic.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/traps.h"
#include "kernel/x86.h"
#include "kernel/errno.h"
#include "kernel/exit.h"
#include "kernel/sched.h"

#define COM1       0x3f8
#define COM1_IRQ   4
#define UART_IER   1
#define UART_FCR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define IER_RDI    0x01     /* interrupt on received data */
#define LSR_DR     0x01     /* data ready */
#define LSR_THRE   0x20     /* transmit holding register empty */
#define RX_BUF     1024     /* a power of two */
#define KEY_CTRL_C 0x03

static volatile uint8_t rx_buf[RX_BUF];
static volatile unsigned int rx_head, rx_tail;
static bool rx_throttled;               /* receive interrupt off: ring full */
static unsigned int rx_dropped;         /* since the last report */
static int console_fg_pid;              /* the process Ctrl-C kills; 0: none */
static bool isig;                       /* the shell runs a line: Ctrl-C signals */
static bool intr_pending;               /* a Ctrl-C no program has taken yet */
static const char rx_wait;              /* the channel readers sleep on */

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang printk forever. */
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(c, COM1);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static struct console serial_console = { .name = "ttyS0", .write = serial_write };

void __init serial_init(void)
{
	outb(0x00, COM1 + UART_IER);     /* no interrupts yet */
	outb(0x80, COM1 + UART_LCR);     /* DLAB: divisor follows */
	outb(0x01, COM1);                /* 115200 = 1.8432 MHz / 16 / 1 */
	outb(0x00, COM1 + 1);
	outb(0x03, COM1 + UART_LCR);     /* 8 data bits, no parity, 1 stop */
	outb(0xc7, COM1 + UART_FCR);     /* FIFOs on and cleared, 14-byte trigger */
	outb(0x0b, COM1 + UART_MCR);     /* DTR, RTS, OUT2 (gates the IRQ line) */
	register_console(&serial_console);
}

/* Ctrl-C as a signal (ISIG): it kills the foreground process or, before
 * `run` has one, waits for it (intr_pending); and it discards the
 * type-ahead, as a terminal does without NOFLSH. Interrupts off. */
static void isig_ctrl_c(void)
{
	rx_tail = rx_head;
	if (console_fg_pid)
		kill_task(console_fg_pid);
	else
		intr_pending = true;
}

/* Drains the UART FIFO into the ring. Interrupts off: it is the IRQ 4
 * handler, also called directly by rx_unthrottle. A full ring is handled
 * two ways:
 *
 * - no foreground program: the shell is reading, or soon will, and makes
 *   room. The receive interrupt goes off and bytes wait in the UART (and,
 *   under QEMU, in the host): delayed, never lost, so a pasted script runs
 *   whole. rx_take switches it back on.
 * - a foreground program: it may never read (spin), and the shell waits
 *   for it, yet a Ctrl-C behind the full ring must get through. Receiving
 *   goes on; bytes that find the ring full are dropped and counted, as a
 *   tty counts overruns; serial_report_dropped prints the count. */
static void serial_interrupt(struct pt_regs *regs)
{
	(void)regs;
	while (inb(COM1 + UART_LSR) & LSR_DR) {
		bool full = rx_head - rx_tail >= RX_BUF;
		uint8_t c;

		if (full && !console_fg_pid) {
			outb(0x00, COM1 + UART_IER);
			rx_throttled = true;
			break;
		}
		c = inb(COM1);
		if (c == KEY_CTRL_C && (isig || console_fg_pid)) {
			isig_ctrl_c();
			continue;
		}
		if (full) {
			rx_dropped++;
			continue;
		}
		rx_buf[rx_head % RX_BUF] = c;
		rx_head++;
	}
	wake_up(&rx_wait);
}

/* Receives again after a full ring; interrupts off. The bytes already
 * waiting in the FIFO are taken now rather than left to the interrupt. */
static void rx_unthrottle(void)
{
	rx_throttled = false;
	outb(IER_RDI, COM1 + UART_IER);
	serial_interrupt(0);
}

void serial_set_fg(int pid)
{
	unsigned long flags = local_irq_save();

	console_fg_pid = pid;
	if (pid && rx_throttled)
		rx_unthrottle();        /* a Ctrl-C may wait behind the full ring */
	if (pid && intr_pending) {
		intr_pending = false;   /* typed before the program existed */
		kill_task(pid);
	}
	local_irq_restore(flags);
}

void serial_set_isig(bool on)
{
	unsigned long flags = local_irq_save();

	isig = on;
	intr_pending = false;
	/* A Ctrl-C already in the type-ahead was typed after the line that is
	 * about to run: it counts as typed now, taking all before it along. */
	for (unsigned int i = rx_head; on && i != rx_tail; i--) {
		if (rx_buf[(i - 1) % RX_BUF] == KEY_CTRL_C) {
			rx_tail = i;
			intr_pending = true;
			break;
		}
	}
	local_irq_restore(flags);
}

void __init serial_enable_rx_irq(void)
{
	request_irq(COM1_IRQ, serial_interrupt);
	outb(IER_RDI, COM1 + UART_IER);
	serial_interrupt(0);             /* take anything typed before now */
}

/* Takes one byte from the ring, interrupts off; -1 if it is empty. */
static int rx_take(void)
{
	int c;

	if (rx_throttled && rx_head - rx_tail <= RX_BUF / 2)
		rx_unthrottle();        /* room again: resume receiving */
	if (rx_tail == rx_head)
		return -1;
	c = rx_buf[rx_tail % RX_BUF];
	rx_tail++;
	return c;
}

int serial_try_getc(void)
{
	unsigned long flags = local_irq_save();
	int c = rx_take();

	local_irq_restore(flags);
	return c;
}

int serial_getc(void)
{
	for (;;) {
		int c;

		local_irq_disable();
		c = rx_take();
		if (c >= 0) {
			local_irq_enable();
			return c;
		}
		sleep_on(&rx_wait);     /* the RX interrupt wakes us */
	}
}

int serial_read(char *buf, int n)
{
	int got = 0, c = -1;

	local_irq_disable();
	while (n > 0 && (c = rx_take()) < 0 && !current->killed)
		sleep_on(&rx_wait);
	while (got < n && (c >= 0 || (c = rx_take()) >= 0)) {
		buf[got++] = (char)c;
		c = -1;
	}
	local_irq_enable();
	return got || !n ? got : -EINTR;
}

void serial_report_dropped(void)
{
	unsigned long flags = local_irq_save();
	unsigned int n = rx_dropped;

	rx_dropped = 0;
	local_irq_restore(flags);
	if (n)
		pr_warn("ttyS0: receive ring full, %u input bytes dropped\n", n);
}

void __init serial_request_resources(void)
{
	request_region(COM1, 8, "serial");
}
