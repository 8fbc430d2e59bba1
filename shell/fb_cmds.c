/* Framebuffer commands: `fb on|off` (QEMU's std VGA, drivers/bochs.c) and
 * `fbinfo` (the registered framebuffers, drivers/fb.h). */
#include "drivers/bochs.h"
#include "drivers/fb.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "shell/shell.h"

static int cmd_fb(int argc, char **argv)
{
	if (argc == 1) {
		console_printf("fb: %s\n", bochs_fb_is_on() ? "on (graphics, fbcon)" : "off (VGA text)");
		return 0;
	}
	if (!strcmp(argv[1], "on"))
		return bochs_fb_on();
	if (!strcmp(argv[1], "off"))
		return bochs_fb_off();
	return -1;
}
DEFINE_SHELL_CMD(fb, SHELL_TOPIC_VMALLOC, 0, 1, "fb [on|off]",
		 "std VGA graphics mode with the console on it (on), VGA text (off)", cmd_fb);

DEFINE_SHELL_SHOW(fbinfo, SHELL_TOPIC_VMALLOC, "registered framebuffers (/dev/fbN)",
		  fb_print_info(console_printf));
