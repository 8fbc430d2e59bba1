/* poweroff/reboot (kernel/power.h). poweroff tries QEMU's isa-debug-exit
 * (tests), then pm_power_off (ACPI S5, set by drivers/acpi.c), then halts. */
#include "kernel/power.h"
#include "kernel/io.h"
#include "kernel/x86.h"
#include "kernel/printk.h"
#include "kernel/resource.h"
#include "kernel/init.h"

#define KBD_STATUS   0x64
#define KBD_CMD_RESET 0xfe       /* 8042: pulse the CPU reset line */

void (*pm_power_off)(void);

void qemu_exit(int code)
{
	outl(code, QEMU_EXIT_PORT);
}

void machine_halt(void)
{
	local_irq_disable();
	for (;;)
		asm volatile("hlt");
}

void machine_power_off(void)
{
	pr_emerg("reboot: Power down\n");
	qemu_exit(QEMU_EXIT_SUCCESS);
	if (pm_power_off)
		pm_power_off();
	pr_emerg("reboot: no way to power off this machine; halted\n");
	machine_halt();
}

void machine_restart(void)
{
	struct { uint16_t size; uint64_t addr; } __attribute__((packed)) no_idt = { 0, 0 };

	pr_emerg("reboot: Restarting system\n");
	for (int i = 0; i < 10000 && (inb(KBD_STATUS) & 0x02); i++)
		io_delay();     /* wait for the 8042 input buffer to empty */
	outb(KBD_CMD_RESET, KBD_STATUS);
	/* No 8042: an empty IDT turns the next exception into a triple
	 * fault, which resets the CPU (SDM Vol. 3A 6.15, #DF). */
	for (;;)
		asm volatile("lidt %0; int3" : : "m"(no_idt));
}

void __init power_request_resources(void)
{
	request_region(0x60, 1, "keyboard");   /* 8042 data */
	request_region(KBD_STATUS, 1, "keyboard");
	request_region(QEMU_EXIT_PORT, 4, "isa-debug-exit");
}
