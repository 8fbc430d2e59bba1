/* badcalls: every system call given bad arguments must fail with the
 * documented error (docs/user-space.md) and change nothing. Each case
 * prints one line; the last line counts the failures, which is also the
 * exit code. Kernel addresses, NULL, unmapped pages and ranges running
 * off the end of the user half are all the same to the kernel: -EFAULT. */
#include "user/lib/ulib.h"

#define KERNEL_ADDR  0xffff888000000000UL     /* the direct map */
#define UNMAPPED     0x500000000UL
#define USER_END     0x7ffffffff000UL          /* TASK_SIZE_MAX */

static int failures;

static void check(const char *what, long got, long want)
{
	printf("badcalls: %-40s = %ld %s\n", what, got, got == want ? "ok" : "FAIL");
	if (got != want) {
		printf("badcalls:   expected %ld\n", want);
		failures++;
	}
}

int main(void)
{
	char *const hello_argv[] = { "hello", 0 };
	struct timespec bad_ts = { 0, 2000000000L };
	long ret;
	int fd;

	check("syscall 9999", syscall6(9999, 0, 0, 0, 0, 0, 0), -ENOSYS);
	check("syscall -1", syscall6(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
	check("write(1, NULL, 10)", write(1, 0, 10), -EFAULT);
	check("write(1, kernel address, 10)", write(1, (void *)KERNEL_ADDR, 10), -EFAULT);
	check("write(1, unmapped, 10)", write(1, (void *)UNMAPPED, 10), -EFAULT);
	check("write(1, straddling user end, 10)", write(1, (void *)(USER_END - 5), 10), -EFAULT);
	check("write(7, buf, 1)", write(7, "x", 1), -EBADF);
	check("read(0, kernel address, 10)", read(0, (void *)KERNEL_ADDR, 10), -EFAULT);
	check("open(NULL)", open(0, O_RDWR), -EFAULT);
	check("open(kernel address)", open((char *)KERNEL_ADDR, O_RDWR), -EFAULT);
	check("open(\"/dev/nope\")", open("/dev/nope", O_RDWR), -ENOENT);
	check("open(\"/dev/kbuf\", 3)", open("/dev/kbuf", 3), -EINVAL);
	check("close(99)", close(99), -EBADF);
	check("spawn(kernel address, argv)", spawn((char *)KERNEL_ADDR, hello_argv), -EFAULT);
	check("spawn(\"hello\", kernel argv)", spawn("hello", (char *const *)KERNEL_ADDR), -EFAULT);
	check("spawn(\"nope\", argv)", spawn("nope", hello_argv), -ENOENT);
	ret = spawn("bad_magic", hello_argv);
	if (ret == -ENOENT)     /* the malformed ELFs are in the test initramfs only */
		printf("badcalls: %-40s = %ld skipped (no bad_magic in this initramfs)\n",
		       "spawn(\"bad_magic\", argv)", ret);
	else
		check("spawn(\"bad_magic\", argv)", ret, -ENOEXEC);
	check("waitpid(-1) without children", waitpid(-1, 0, 0), -ECHILD);
	check("waitpid(-1, kernel address, 0)", waitpid(-1, (int *)KERNEL_ADDR, 0), -EFAULT);
	check("waitpid(-1, &s, 99)", waitpid(-1, 0, 99), -EINVAL);
	check("nanosleep(NULL)", nanosleep(0, 0), -EFAULT);
	check("nanosleep(tv_nsec 2e9)", nanosleep(&bad_ts, 0), -EINVAL);
	check("mmap(len 0)", (long)mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	check("mmap(FIXED kernel address)", (long)mmap((void *)KERNEL_ADDR, 4096, PROT_READ,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), -EINVAL);
	check("mmap(FIXED 0)", (long)mmap(0, 4096, PROT_READ,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), -EINVAL);
	check("mmap(fd 99)", (long)mmap(0, 4096, PROT_READ, MAP_SHARED, 99, 0), -EBADF);
	check("mmap(no SHARED or PRIVATE)", (long)mmap(0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0),
	      -EINVAL);
	check("mmap(1 << 47 bytes)", (long)mmap(0, 1UL << 47, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	check("munmap(unaligned)", munmap((void *)(UNMAPPED + 1), 4096), -EINVAL);
	check("munmap(kernel address)", munmap((void *)KERNEL_ADDR, 4096), -EINVAL);
	check("brk(kernel address) keeps the break", (long)brk((void *)KERNEL_ADDR) == (long)brk(0), 1);
	fd = open("/dev/kbuf", O_RDWR);
	check("open(\"/dev/kbuf\")", fd >= 3, 1);
	check("mmap(kbuf, offset past the buffer)", (long)mmap(0, 4096, PROT_READ, MAP_SHARED, fd,
	      8192), -EINVAL);
	check("mmap(kbuf, 3 pages)", (long)mmap(0, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0), -EINVAL);
	check("mmap(kbuf, MAP_PRIVATE)", (long)mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0), -EINVAL);
	check("close(kbuf)", close(fd), 0);
	check("close(kbuf) again", close(fd), -EBADF);
	printf("badcalls: %d failures\n", failures);
	return failures;
}
