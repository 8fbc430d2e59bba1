/* Shell commands about boot and the CPU: what the loader and the firmware
 * said, the kernel log, power. */
#include "shell/shell.h"
#include "kernel/cpufeature.h"
#include "kernel/e820.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/setup.h"
#include "drivers/acpi.h"

static int cmd_cpuinfo(int argc, char **argv)
{
	(void)argc, (void)argv;
	cpuinfo_show();
	return 0;
}
DEFINE_SHELL_CMD(cpuinfo, SHELL_TOPIC_BOOT, 0, 0, "cpuinfo",
		 "CPU vendor, model and paging features (like /proc/cpuinfo)", cmd_cpuinfo);

static int cmd_dmesg(int argc, char **argv)
{
	(void)argc, (void)argv;
	log_buf_for_each(console_write);
	return 0;
}
DEFINE_SHELL_CMD(dmesg, SHELL_TOPIC_BOOT, 0, 0, "dmesg", "the kernel log so far", cmd_dmesg);

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_power_off();
}
DEFINE_SHELL_CMD(poweroff, SHELL_TOPIC_BOOT, 0, 0, "poweroff",
		 "switch the machine off (QEMU exits with status 33)", cmd_poweroff);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_restart();
}
DEFINE_SHELL_CMD(reboot, SHELL_TOPIC_BOOT, 0, 0, "reboot", "reset the machine", cmd_reboot);

static int cmd_bootinfo(int argc, char **argv)
{
	(void)argc, (void)argv;
	boot_info_show();
	return 0;
}
DEFINE_SHELL_CMD(bootinfo, SHELL_TOPIC_BOOT, 0, 0, "bootinfo", "what the boot loader told us",
		 cmd_bootinfo);

static int cmd_memmap(int argc, char **argv)
{
	(void)argc, (void)argv;
	e820__print_table("BIOS-e820", console_printf);
	return 0;
}
DEFINE_SHELL_CMD(memmap, SHELL_TOPIC_BOOT, 0, 0, "memmap",
		 "the firmware memory map (Linux's BIOS-e820 lines)", cmd_memmap);

static int cmd_acpi(int argc, char **argv)
{
	(void)argc, (void)argv;
	acpi_show();
	return 0;
}
DEFINE_SHELL_CMD(acpi, SHELL_TOPIC_BOOT, 0, 0, "acpi", "ACPI tables found at boot", cmd_acpi);
