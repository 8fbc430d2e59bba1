/* The [vvar] pages: what a process reads without a system call (the xv6
 * pgtbl lab's USYSCALL page; Linux's vvar page, which the vDSO reads, in
 * spirit). Two read-only, NX pages at a fixed address, below the program
 * (user/user.ld links it at 0x400000; mmap hands out addresses from the
 * top down and never reaches here):
 *
 *   USYSCALL       per process: struct usyscall (its pid)
 *   USYSCALL_VVAR  one page shared by every process: struct vvar_data,
 *                  which the timer interrupt keeps current (jiffies)
 *
 * A write to either is a protection fault, and the process gets SIGSEGV. */
#ifndef CARTA_UAPI_USYSCALL_H
#define CARTA_UAPI_USYSCALL_H

#define USYSCALL        0x3fe000UL
#define USYSCALL_VVAR   0x3ff000UL
#define USYSCALL_END    0x400000UL

struct usyscall {
	int pid;                /* getpid()'s answer */
};

struct vvar_data {
	volatile unsigned long jiffies;  /* timer ticks since boot (HZ a second) */
};

#endif
