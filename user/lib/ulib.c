/* Helpers the programs share (contracts in user/lib/ulib.h). */
#include "user/lib/ulib.h"

void die(const char *prog, const char *call, long err)
{
	dprintf(2, "%s: %s failed: %ld\n", prog, call, err);
	exit(1);
}

void *map_device(const char *prog, const char *path, size_t len, int *fdp)
{
	int fd = open(path, O_RDWR);
	void *p;

	if (fd < 0)
		die(prog, "open", fd);
	/* MAP_SHARED: a device mapping is the device's memory itself, never a
	 * private copy (kernel/uapi/mman.h). */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (IS_ERR(p))
		die(prog, "mmap", PTR_ERR(p));
	*fdp = fd;
	return p;
}

void unmap_device(const char *prog, void *addr, size_t len, int fd)
{
	int ret = munmap(addr, len);

	if (ret < 0)
		die(prog, "munmap", ret);
	ret = close(fd);
	if (ret < 0)
		die(prog, "close", ret);
}

int spawn_wait(const char *path, char *const argv[], int *status)
{
	int pid = spawn(path, argv);
	int ret;

	if (pid < 0)
		return pid;
	ret = waitpid(pid, status, 0);
	return ret < 0 ? ret : pid;
}
