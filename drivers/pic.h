/* The two cascaded 8259A interrupt controllers of the PC. Their IRQs 0-15
 * are remapped to vectors 32-47, clear of the CPU's exceptions 0-31. */
#ifndef DRIVERS_PIC_H
#define DRIVERS_PIC_H

#define IRQ0_VECTOR 32
#define NR_PIC_IRQS 16

void pic_init(void);            /* remap, all lines masked */
void pic_unmask(unsigned int irq);
void pic_mask(unsigned int irq);
void pic_eoi(unsigned int irq);
int  pic_is_spurious(unsigned int irq);

void pic_request_resources(void);

#endif
