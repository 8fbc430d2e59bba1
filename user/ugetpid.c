/* ugetpid: reads its pid and the tick count from the [vvar] pages
 * (kernel/uapi/usyscall.h) without a system call, and checks them
 * against getpid() and against time passing.
 *
 * usage: ugetpid         check; prints "ugetpid: OK ..." or "ugetpid: FAIL ..."
 *        ugetpid write   write to the page: must die with SIGSEGV
 *        ugetpid hold    print the pid, then hold until /dev/kbuf says
 *                        "release PID" (user/lib/hold.h; for the QEMU monitor) */
#include "user/lib/ulib.h"
#include "kernel/uapi/usyscall.h"
#include "user/lib/hold.h"

int main(int argc, char *argv[])
{
	const struct usyscall *u = (const struct usyscall *)USYSCALL;
	const struct vvar_data *v = (const struct vvar_data *)USYSCALL_VVAR;
	struct timespec ts = { 0, 50 * 1000 * 1000 };   /* 5 ticks at HZ 100 */
	unsigned long j0, j1;
	int pid = getpid();

	if (argc > 1 && !strcmp(argv[1], "write")) {
		printf("ugetpid: writing to 0x%lx\n", USYSCALL);
		*(volatile int *)USYSCALL = 1;          /* read-only PTE: #PF, SIGSEGV */
		printf("ugetpid: FAIL: the write to the read-only page went through\n");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "hold")) {
		char token[32];

		snprintf(token, sizeof(token), "release %d", pid);
		printf("ugetpid: pid %d holding\n", pid);
		hold_until("ugetpid", token);
		printf("ugetpid: pid %d released\n", pid);
		return 0;
	}
	j0 = v->jiffies;
	nanosleep(&ts, 0);
	j1 = v->jiffies;
	if (u->pid != pid) {
		printf("ugetpid: FAIL: page says pid %d, getpid() says %d\n", u->pid, pid);
		return 1;
	}
	if (j1 <= j0) {
		printf("ugetpid: FAIL: jiffies did not advance over 50 ms (%lu, %lu)\n", j0, j1);
		return 1;
	}
	/* the values themselves depend on when the program ran: only that
	 * they advanced is printed, so the output repeats (docs/labs) */
	printf("ugetpid: OK pid %d, as getpid() says; jiffies advanced over 50 ms\n", u->pid);
	return 0;
}
