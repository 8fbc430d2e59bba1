/* Shell commands about boot and the CPU: what the loader and the firmware
 * said, the kernel log, power. */
#include "shell/shell.h"
#include "kernel/cpufeature.h"
#include "kernel/e820.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/setup.h"
#include "drivers/acpi.h"

DEFINE_SHELL_SHOW(cpuinfo, SHELL_TOPIC_BOOT,
		  "CPU vendor, model and paging features (like /proc/cpuinfo)",
		  cpuinfo_show());

DEFINE_SHELL_SHOW(dmesg, SHELL_TOPIC_BOOT,
		  "the kernel log so far",
		  log_buf_for_each(console_write));

DEFINE_SHELL_SHOW(poweroff, SHELL_TOPIC_BOOT,
		  "switch the machine off (QEMU exits with status 33)",
		  machine_power_off());

DEFINE_SHELL_SHOW(reboot, SHELL_TOPIC_BOOT,
		  "reset the machine",
		  machine_restart());

DEFINE_SHELL_SHOW(bootinfo, SHELL_TOPIC_BOOT,
		  "what the boot loader told us",
		  boot_info_show());

DEFINE_SHELL_SHOW(memmap, SHELL_TOPIC_BOOT,
		  "the firmware memory map (BIOS-e820 lines; user lines after memmap=)",
		  e820__memmap_show(console_printf));

DEFINE_SHELL_SHOW(acpi, SHELL_TOPIC_BOOT,
		  "ACPI tables found at boot",
		  acpi_show());
