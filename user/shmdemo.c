/* shmdemo: a guest and the host sharing memory through QEMU's
 * ivshmem-plain (drivers/ivshmem.c). /dev/ivshmem maps the device's BAR2,
 * which is the host file given to QEMU:
 *
 *   -object memory-backend-file,id=hostmem,share=on,mem-path=/dev/shm/F,size=1M
 *   -device ivshmem-plain,memdev=hostmem
 *
 * The layout both sides agree on:
 *   offset 0       the host's message, a NUL-terminated string (at most
 *                  SHM_MSG_MAX bytes; written into the file before boot)
 *   offset 0x1000  the guest's answer, a NUL-terminated string, which the
 *                  host reads back from the same file
 *
 * usage: shmdemo [ANSWER]   (default: "hello host, from pid N") */
#include "user/lib/ulib.h"

#define SHM_MAP_LEN       0x2000        /* the two pages used */
#define SHM_MSG_MAX       256
#define SHM_ANSWER_OFFSET 0x1000

int main(int argc, char *argv[])
{
	int fd, n;
	/* volatile: the host may change it at any time */
	volatile char *shm = map_device("shmdemo", "/dev/ivshmem", SHM_MAP_LEN, &fd);
	char msg[SHM_MSG_MAX + 1], answer[SHM_MSG_MAX];

	for (n = 0; n < SHM_MSG_MAX && shm[n]; n++)
		msg[n] = shm[n];
	msg[n] = 0;
	printf("shmdemo: host wrote %d bytes at offset 0: \"%s\"\n", n, msg);
	if (argc > 1)
		snprintf(answer, sizeof(answer), "%s", argv[1]);
	else
		snprintf(answer, sizeof(answer), "hello host, from pid %d", getpid());
	for (n = 0; answer[n]; n++)
		shm[SHM_ANSWER_OFFSET + n] = answer[n];
	shm[SHM_ANSWER_OFFSET + n] = 0;
	printf("shmdemo: wrote %d bytes at offset 0x%x: \"%s\"\n", n, SHM_ANSWER_OFFSET, answer);
	unmap_device("shmdemo", (void *)shm, SHM_MAP_LEN, fd);
	return 0;
}
