/* kbufdemo: one page shared by the kernel and a process. /dev/kbuf is a
 * kernel buffer; mmap maps its page into this process (remap_pfn_range), so
 * a store here is seen by the kernel at once, with no copy and no system
 * call. The kernel leaves a string at offset 0; we answer at offset 2048;
 * the shell command `kbuf` shows both halves and who maps the page.
 *
 * usage: kbufdemo [TEXT] */
#include "user/lib/ulib.h"

#define KBUF_SIZE   4096
#define REPLY_OFF   2048        /* the kernel's half ends here, ours begins */

int main(int argc, char *argv[])
{
	int fd;
	char *buf = map_device("kbufdemo", "/dev/kbuf", KBUF_SIZE, &fd);
	char *reply = buf + REPLY_OFF;

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
