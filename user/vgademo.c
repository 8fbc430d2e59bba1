/* vgademo: device memory mapped into a process. /dev/vga is the VGA text
 * buffer at physical 0xb8000; after mmap, a plain store from ring 3 puts a
 * character on the screen. Each of the 80x25 cells is two bytes: the
 * character, then its attribute (background << 4 | foreground).
 *
 * usage: vgademo [TEXT]   (run with GUI=1 make run to see it) */
#include <stdint.h>
#include "user/lib/ulib.h"

#define VGA_COLS    80
#define VGA_ROW     12          /* mid-screen: the console writes on row 24 and scrolls */
#define VGA_ATTR    0x1e        /* yellow (0xe) on blue (0x1) */

int main(int argc, char *argv[])
{
	const char *text = argc > 1 ? argv[1] : "Carta vgademo";
	int fd, n;
	/* volatile: these stores are output to a device and must all happen */
	volatile uint16_t *vga = map_device("vgademo", "/dev/vga", 4096, &fd);

	for (n = 0; text[n] && n < VGA_COLS; n++)
		vga[VGA_ROW * VGA_COLS + n] = VGA_ATTR << 8 | (unsigned char)text[n];
	printf("vgademo: wrote %d cells at row %d (0x%lx)\n", n, VGA_ROW, (unsigned long)vga);

	unmap_device("vgademo", (void *)vga, 4096, fd);
	return 0;
}
