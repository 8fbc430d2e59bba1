/* Files, just enough for device nodes (kernel/fs.c). There is no file
 * system: open() looks a path up in a table the drivers register into
 * (/dev/kbuf, /dev/vga). fds 0-2 are the console and need no open; a
 * task's other fds point at struct file, shared with any VMA mapping it
 * (f_count), so close() after mmap() keeps the mapping working. */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

struct file;
struct vm_area_struct;

struct file_operations {
	/* Sets the VMA up (usually with remap_pfn_range); 0 or -errno. */
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
};

struct file {
	const struct file_operations *f_op;
	const char *path;               /* "/dev/kbuf": the name vmas shows */
	int f_count;
	int f_flags;                    /* O_RDONLY/O_WRONLY/O_RDWR */
};

#define NR_DEVICE_NODES 8

/* A driver makes `path` openable; 0 or -ENOSPC/-EEXIST. */
int register_device_node(const char *path, const struct file_operations *fops);

struct file *get_file(struct file *f);
void fput(struct file *f);
/* current's file for fd (>= 3), or NULL. */
struct file *fget(int fd);
/* Closes every fd of the current task (exit). */
void exit_files(void);

long sys_open(const char *path, int flags);
long sys_close(int fd);

#endif
