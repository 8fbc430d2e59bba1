/* fbdemo: draws the x86-64 virtual address space on /dev/fb0.
 *
 * /dev/fb0 is the framebuffer mapped into this process write-combining
 * (drivers/fbmem.c); after mmap a plain store puts a pixel on the screen.
 * The picture: one band per region of the address space, in address
 * order, labelled with its range, size and name, with a bar whose length
 * is the region's size on a log scale (the regions span 2^21 to 2^63
 * bytes: a linear scale would show one band). The regions are Carta's
 * (docs/design.md §2, mm/memlayout.h): user programs see only their own
 * library, so they are written out here.
 *
 * Run `fb on` first (the std VGA's graphics mode). Mapping /dev/fb0 stops
 * fbcon drawing, so the picture stays after fbdemo exits; `fb on` brings
 * the console back, `fb off` the VGA text screen.
 *
 * usage: fbdemo [-s] [WIDTH HEIGHT]   (800 600: the mode `fb on` sets)
 *   -s  spin after drawing, until killed: the mapping stays live (tests
 *       read its PTEs with the QEMU monitor's `info tlb` under this CR3) */
#include <stdint.h>
#include "drivers/font_8x16.h"
#include "user/lib/ulib.h"

struct region {
	unsigned long start, end;       /* end inclusive */
	const char *name;
	uint32_t colour;                /* XRGB8888 */
};

/* tests/system/test_pcidrv.py has its own copy of the colours and the
 * layout below, to check the pixels in a screendump. */
static const struct region regions[] = {
	{ 0x0000000000000000UL, 0x00007fffffffffffUL, "user space (this process)",  0x002e8b57 },
	{ 0x0000800000000000UL, 0xffff7fffffffffffUL, "non-canonical: #GP",          0x00505050 },
	{ 0xffff800000000000UL, 0xffff887fffffffffUL, "unused kernel space",         0x00707080 },
	{ 0xffff888000000000UL, 0xffffc87fffffffffUL, "direct map of all RAM",       0x004169e1 },
	{ 0xffffc90000000000UL, 0xffffe8ffffffffffUL, "vmalloc, ioremap (fb here)",  0x00ff8c00 },
	{ 0xffffffff80000000UL, 0xffffffff9fffffffUL, "kernel image",                0x00dc143c },
	{ 0xffffffffff400000UL, 0xffffffffff7fffffUL, "fixmap",                      0x00ffd700 },
};
#define NR_REGIONS  (sizeof(regions) / sizeof(regions[0]))
#define BACKGROUND  0x00182028
#define TEXT        0x00ffffff
#define TOP         32                  /* the title's line */
#define MARGIN      16

static uint32_t *fb;
static unsigned int width, height;

static void fill(unsigned int x, unsigned int y, unsigned int w, unsigned int h, uint32_t c)
{
	for (unsigned int j = y; j < y + h && j < height; j++)
		for (unsigned int i = x; i < x + w && i < width; i++)
			fb[j * width + i] = c;
}

/* Text in the console's own font (drivers/font_8x16.h), transparent
 * background. */
static void text(unsigned int x, unsigned int y, uint32_t c, const char *s)
{
	for (; *s; s++, x += FONT_WIDTH) {
		unsigned char ch = (unsigned char)*s;
		const unsigned char *g = font_8x16[(ch < FONT_FIRST || ch > FONT_LAST ? '?' : ch) - FONT_FIRST];

		for (unsigned int r = 0; r < FONT_HEIGHT; r++)
			for (unsigned int b = 0; b < FONT_WIDTH; b++)
				if (g[r] & 0x80 >> b && x + b < width && y + r < height)
					fb[(y + r) * width + x + b] = c;
	}
}

static unsigned int log2_size(const struct region *r)
{
	unsigned long size = r->end - r->start + 1;     /* 0: 2^64 */
	unsigned int bits = 0;

	while (size > 1) {
		size >>= 1;
		bits++;
	}
	return bits;
}

/* The size in the largest binary unit it reaches, rounded: "~16 EiB"
 * when not a whole number of that unit. */
static void size_str(char *buf, size_t len, const struct region *r)
{
	static const char units[] = "KMGTPE";
	unsigned long kib = (r->end - r->start) / 1024 + 1;       /* no overflow */
	unsigned long unit = 1;
	unsigned int u = 0;

	while (u < sizeof(units) - 2 && kib / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	snprintf(buf, len, "%s%lu %ciB", kib % unit ? "~" : "", (kib + unit / 2) / unit, units[u]);
}

static void draw(void)
{
	unsigned int band = (height - TOP - MARGIN) / NR_REGIONS;
	char line[128], size[16];

	fill(0, 0, width, height, BACKGROUND);
	text(MARGIN, 8, TEXT, "Carta: the x86-64 virtual address space (4-level paging, 48 bits)");
	for (unsigned int i = 0; i < NR_REGIONS; i++) {
		const struct region *r = &regions[i];
		unsigned int y = TOP + i * band, bits = log2_size(r);
		/* the bar: 2^20 bytes at its left end, 2^64 at the right */
		unsigned int bar = (bits - 20) * (width - 4 * MARGIN) / (64 - 20);

		fill(0, y, width, band - 2, r->colour);
		size_str(size, sizeof(size), r);
		snprintf(line, sizeof(line), "%016lx-%016lx %8s  %s", r->start, r->end, size, r->name);
		text(MARGIN, y + 6, 0, line);
		fill(MARGIN, y + 28, bar, 12, TEXT);
		snprintf(line, sizeof(line), "2^%u", bits);
		text(MARGIN + bar + 8, y + 26, 0, line);
	}
}

int main(int argc, char *argv[])
{
	int spin = 0, fd, a = 1;
	unsigned long w = 800, h = 600;
	size_t len;

	if (a < argc && !strcmp(argv[a], "-s")) {
		spin = 1;
		a++;
	}
	if (argc - a == 2 && (kstrtoul(argv[a], 0, &w) || kstrtoul(argv[a + 1], 0, &h) ||
			      !w || !h || w > 4096 || h > 4096))
		w = 0;
	if ((argc - a != 0 && argc - a != 2) || !w) {
		dprintf(2, "usage: fbdemo [-s] [WIDTH HEIGHT]\n");
		return 2;
	}
	width = w;
	height = h;
	/* Linux would ask FBIOGET_VSCREENINFO; Carta has no ioctl, so the
	 * size is the mode `fb on` sets unless given. 32 bits per pixel. */
	len = ((size_t)width * height * 4 + 4095) & ~4095UL;
	fb = map_device("fbdemo", "/dev/fb0", len, &fd);
	draw();
	printf("fbdemo: drew %u regions on %ux%u at 0x%lx (/dev/fb0, %lu KiB)\n",
	       (unsigned int)NR_REGIONS, width, height, (unsigned long)fb, (unsigned long)len >> 10);
	if (spin)
		for (;;)
			;       /* the mapping stays: killed by `kill PID` */
	unmap_device("fbdemo", fb, len, fd);
	return 0;
}
