/* kbufdemo: one page shared by the kernel and a process. /dev/kbuf is a
 * kernel buffer; mmap maps its page into this process (remap_pfn_range), so
 * a store here is seen by the kernel at once, with no copy and no system
 * call. The kernel leaves a string at offset 0; we answer at offset 2048;
 * the shell command `kbuf` shows both halves and who maps the page.
 *
 * usage: kbufdemo [TEXT [TENTHS]]
 *
 * With TENTHS it prints nothing and keeps the page mapped that many tenths
 * of a second before unmapping it, so that `ptdump user PID` and `kbuf`
 * can look at the live mapping from the shell while it runs in the
 * background (`run kbufdemo hi 600 &`); quiet, so its output cannot land
 * in the middle of theirs. */
#include "user/lib/ulib.h"

#define KBUF_SIZE   4096
#define REPLY_OFF   2048        /* the kernel's half ends here, ours begins */

int main(int argc, char *argv[])
{
	struct timespec tenth = { 0, 100000000L };
	unsigned long hold = 0;
	int fd;
	char *buf, *reply;

	if (argc > 3 || (argc == 3 && kstrtoul(argv[2], 10, &hold))) {
		printf("usage: kbufdemo [TEXT [TENTHS]]\n");
		return 2;
	}
	buf = map_device("kbufdemo", "/dev/kbuf", KBUF_SIZE, &fd);
	reply = buf + REPLY_OFF;
	if (hold) {
		snprintf(reply, KBUF_SIZE - REPLY_OFF, "%s", argv[1]);
		while (hold--)
			nanosleep(&tenth, 0);
		unmap_device("kbufdemo", buf, KBUF_SIZE, fd);
		return 0;
	}
	printf("kbufdemo: /dev/kbuf mapped at 0x%lx\n", (unsigned long)buf);
	printf("kbufdemo: kernel wrote: \"%.200s\"\n", buf);

	/* snprintf bounds the copy to our half and always ends it with NUL. */
	if (argc > 1)
		snprintf(reply, KBUF_SIZE - REPLY_OFF, "%s", argv[1]);
	else
		snprintf(reply, KBUF_SIZE - REPLY_OFF, "hello kernel from pid %d", getpid());
	printf("kbufdemo: wrote \"%s\" at offset %d\n", reply, REPLY_OFF);

	unmap_device("kbufdemo", buf, KBUF_SIZE, fd);
	return 0;
}
