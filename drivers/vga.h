/* The VGA text screen (80x25 at physical 0xb8000), mapped through
 * FIX_VGA_TEXT: a console that mirrors serial (GUI=1 make run shows it). */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#define VGA_TEXT_PHYS 0xb8000UL
#define VGA_COLS 80
#define VGA_ROWS 25

/* Maps the screen, clears it, registers the console and replays the log so
 * far onto it. Boot, after the fixmap exists. */
void vga_init(void);

void vga_request_resources(void);
/* Registers /dev/vga (drivers/vga_mmap.c). */
void vga_mmap_init(void);

#endif
