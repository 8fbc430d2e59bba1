/* devmap: mmap of a device node with a given length and offset, N times,
 * for the tests of the drivers' refusals and of leaks (open, mmap, touch
 * the first byte, munmap, close, N times). Prints one line: how many
 * rounds worked, or the call that failed and its error.
 *
 * usage: devmap PATH LEN OFFSET [N] */
#include "user/lib/ulib.h"

int main(int argc, char *argv[])
{
	unsigned long len, off, n = 1, i;

	if (argc < 4 || argc > 5 || kstrtoul(argv[2], 0, &len) || kstrtoul(argv[3], 0, &off) ||
	    (argc == 5 && kstrtoul(argv[4], 0, &n))) {
		dprintf(2, "usage: devmap PATH LEN OFFSET [N]\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDWR);
		char *p;
		long err;

		if (fd < 0) {
			printf("devmap: open %s: error %d\n", argv[1], fd);
			return 1;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		if (IS_ERR(p)) {
			printf("devmap: mmap %s len 0x%lx offset 0x%lx: error %ld\n", argv[1], len, off,
			       PTR_ERR(p));
			close(fd);
			return 1;
		}
		(void)*(volatile char *)p;
		err = munmap(p, len);
		if (!err)
			err = close(fd);
		if (err) {
			printf("devmap: munmap/close: error %ld\n", err);
			return 1;
		}
	}
	printf("devmap: %lu x mmap %s len 0x%lx offset 0x%lx: ok\n", n, argv[1], len, off);
	return 0;
}
