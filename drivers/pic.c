/* 8259A set-up (drivers/pic.h): ICW1-ICW4 as in the 8259A data sheet. */
#include <stdint.h>
#include "drivers/pic.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "kernel/io.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20
#define OCW3_READ_ISR 0x0b

static uint16_t irq_mask = 0xffff;

static void pic_write_mask(void)
{
	outb(irq_mask & 0xff, PIC1_DATA);
	outb(irq_mask >> 8, PIC2_DATA);
}

void __init pic_init(void)
{
	outb(0x11, PIC1_CMD); io_delay();      /* ICW1: edge, cascade, ICW4 follows */
	outb(0x11, PIC2_CMD); io_delay();
	outb(IRQ0_VECTOR, PIC1_DATA); io_delay();      /* ICW2: vector base */
	outb(IRQ0_VECTOR + 8, PIC2_DATA); io_delay();
	outb(0x04, PIC1_DATA); io_delay();     /* ICW3: slave on IRQ2 */
	outb(0x02, PIC2_DATA); io_delay();     /* ICW3: slave id 2 */
	outb(0x01, PIC1_DATA); io_delay();     /* ICW4: 8086 mode */
	outb(0x01, PIC2_DATA); io_delay();
	irq_mask = 0xffff & ~(1 << 2);         /* cascade line open, rest masked */
	pic_write_mask();
}

void pic_unmask(unsigned int irq)
{
	irq_mask &= ~(1u << irq);
	pic_write_mask();
}

void pic_mask(unsigned int irq)
{
	irq_mask |= 1u << irq;
	pic_write_mask();
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC_EOI, PIC2_CMD);
	outb(PIC_EOI, PIC1_CMD);
}

/* IRQ 7/15 with no bit in the in-service register was a glitch on the line
 * (8259A data sheet): send no EOI for it (except to the master for 15). */
int pic_is_spurious(unsigned int irq)
{
	uint16_t port = irq < 8 ? PIC1_CMD : PIC2_CMD;

	if ((irq & 7) != 7)
		return 0;
	outb(OCW3_READ_ISR, port);
	if (inb(port) & 0x80)
		return 0;
	if (irq == 15)
		outb(PIC_EOI, PIC1_CMD);
	return 1;
}

void __init pic_request_resources(void)
{
	request_region(PIC1_CMD, 2, "pic1");
	request_region(PIC2_CMD, 2, "pic2");
}
