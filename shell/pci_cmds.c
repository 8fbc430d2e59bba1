/* Shell commands for PCI: lspci. The PCI layer prints (drivers/pci_print.c);
 * this file reads the options. */
#include "drivers/pci.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "shell/shell.h"

/* lspci [-v] [-x|-xxx|-xxxx]: pciutils' options of those names */
static int cmd_lspci(int argc, char **argv)
{
	bool verbose = false;
	int hex = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "-x"))
			hex = 64;
		else if (!strcmp(argv[i], "-xxx"))
			hex = 256;
		else if (!strcmp(argv[i], "-xxxx"))
			hex = 4096;
		else
			return -1;
	}
	pci_print_devices(verbose, hex, console_printf);
	return 0;
}
DEFINE_SHELL_CMD(lspci, SHELL_TOPIC_BOOT, 0, 2, "lspci [-v] [-x|-xxx|-xxxx]",
		 "PCI devices (like lspci; -v regions and driver, -x config space in hex)",
		 cmd_lspci);
