/* fbcon: the console drawn on a framebuffer (drivers/fb.h), Linux's
 * drivers/video/fbdev/core/fbcon.c at its smallest: 8x16 glyphs from
 * drivers/font_8x16.h, light grey on black, a cursor bar, scrolling.
 *
 * The text is kept in a shadow array of characters as well as drawn:
 * scrolling redraws from the shadow instead of reading the framebuffer
 * back, because reads from WC (or UC) memory are uncached, one bus read
 * each (SDM Vol. 3A 11.3: WC "reads are not cached"). A write that
 * scrolls draws once, at its end, not once per line. */
#include <stdbool.h>
#include "drivers/fb.h"
#include "drivers/font_8x16.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* Up to 1920x1088 in 8x16 cells: static, so that fbcon works before the
 * heap does (the UEFI framebuffer console at boot). */
#define FBCON_MAX_COLS 240
#define FBCON_MAX_ROWS 68

static struct fb_info *fbcon_fb;
static unsigned int cols, rows, cur_x, cur_y;
static char shadow[FBCON_MAX_ROWS][FBCON_MAX_COLS];
static bool registered;
static bool graphics;           /* a process mapped the framebuffer: hands off */

struct fb_info *fbcon_info(void)
{
	return fbcon_fb;
}

static volatile uint32_t *fb_line(unsigned int y)
{
	return (volatile uint32_t *)(fbcon_fb->screen_base + (unsigned long)y * fbcon_fb->fix.line_length);
}

/* One cell: each of the glyph's 16 rows is 8 pixels, bit 7 leftmost. */
static void fbcon_draw_cell(unsigned int x, unsigned int y, bool cursor)
{
	unsigned char c = (unsigned char)shadow[y][x];
	const unsigned char *glyph = font_8x16[(c < FONT_FIRST || c > FONT_LAST ? ' ' : c) - FONT_FIRST];

	for (unsigned int r = 0; r < FONT_HEIGHT; r++) {
		volatile uint32_t *px = fb_line(y * FONT_HEIGHT + r) + x * FONT_WIDTH;
		unsigned int bits = glyph[r];

		if (cursor && r >= FONT_HEIGHT - 2)
			bits = 0xff;    /* an underline cursor, like vgacon's */
		for (unsigned int b = 0; b < FONT_WIDTH; b++)
			px[b] = bits & (0x80 >> b) ? FBCON_FG : FBCON_BG;
	}
}

static void fbcon_redraw(void)
{
	for (unsigned int y = 0; y < rows; y++)
		for (unsigned int x = 0; x < cols; x++)
			fbcon_draw_cell(x, y, false);
}

static void fbcon_newline(bool *scrolled)
{
	cur_x = 0;
	if (++cur_y < rows)
		return;
	memmove(shadow[0], shadow[1], (rows - 1) * sizeof(shadow[0]));
	memset(shadow[rows - 1], ' ', sizeof(shadow[0]));
	cur_y = rows - 1;
	*scrolled = true;
}

static void fbcon_putc(char c, bool *scrolled)
{
	switch (c) {
	case '\n': fbcon_newline(scrolled); return;
	case '\r': cur_x = 0; return;
	case '\b': if (cur_x) cur_x--; return;
	case '\t': do fbcon_putc(' ', scrolled); while (cur_x % 8); return;
	}
	if ((unsigned char)c < 0x20)
		return;
	shadow[cur_y][cur_x] = c;
	if (!*scrolled)         /* after a scroll, the redraw at the end draws it */
		fbcon_draw_cell(cur_x, cur_y, false);
	if (++cur_x == cols)
		fbcon_newline(scrolled);
}

static void fbcon_write(const char *s, size_t n)
{
	bool scrolled = false;

	if (!fbcon_fb || graphics)
		return;
	fbcon_draw_cell(cur_x, cur_y, false);   /* the old cursor goes */
	for (size_t i = 0; i < n; i++)
		fbcon_putc(s[i], &scrolled);
	if (scrolled)
		fbcon_redraw();
	fbcon_draw_cell(cur_x, cur_y, true);
}

static struct console fbcon_console = { .name = "fbcon", .write = fbcon_write };

/* What the log holds is replayed into the shadow only; one redraw at the
 * end shows its last screenful. */
static void fbcon_replay(const char *s, size_t n)
{
	bool scrolled = true;

	for (size_t i = 0; i < n; i++)
		fbcon_putc(s[i], &scrolled);
}

int fbcon_take_over(struct fb_info *info)
{
	if (info->var.bits_per_pixel != 32 || info->var.xres < FONT_WIDTH ||
	    info->var.yres < FONT_HEIGHT) {
		pr_err("fbcon: fb%d (%s): %ux%u-%u: only 32 bits per pixel is drawn\n", info->node,
		       info->fix.id, info->var.xres, info->var.yres, info->var.bits_per_pixel);
		return -EINVAL;
	}
	fbcon_fb = 0;                   /* the console draws nothing while this changes */
	graphics = false;
	cols = info->var.xres / FONT_WIDTH;
	rows = info->var.yres / FONT_HEIGHT;
	if (cols > FBCON_MAX_COLS)
		cols = FBCON_MAX_COLS;
	if (rows > FBCON_MAX_ROWS)
		rows = FBCON_MAX_ROWS;
	memset(shadow, ' ', sizeof(shadow));
	cur_x = cur_y = 0;
	log_buf_for_each(fbcon_replay);
	fbcon_fb = info;
	for (unsigned int y = 0; y < info->var.yres; y++)       /* the margins too */
		for (unsigned int x = 0; x < info->var.xres; x++)
			fb_line(y)[x] = FBCON_BG;
	fbcon_redraw();
	fbcon_draw_cell(cur_x, cur_y, true);
	if (!registered) {
		register_console(&fbcon_console);
		registered = true;
	}
	pr_info("fbcon: fb%d (%s) is the console, %ux%u text\n", info->node, info->fix.id,
		cols, rows);
	return 0;
}

/* Linux's KD_GRAPHICS, which an X server sets on its VT: the screen is the
 * program's now. Without it the console's next scroll would redraw the
 * screen over the picture. */
void fbcon_graphics(struct fb_info *info)
{
	if (fbcon_fb != info || graphics)
		return;
	graphics = true;
	pr_info("fbcon: fb%d mapped by a process: console drawing off until `fb on`\n", info->node);
}

void fbcon_release(void)
{
	if (fbcon_fb)
		pr_info("fbcon: fb%d (%s) released\n", fbcon_fb->node, fbcon_fb->fix.id);
	fbcon_fb = 0;
}
