/* Device nodes and file descriptors (kernel/fs.h). */
#include "kernel/fs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/mman.h"
#include "mm/slab.h"

#define PATH_MAX_DEV 32
#define FIRST_FD     3          /* 0, 1, 2: the console */

static struct {
	const char *path;
	const struct file_operations *fops;
} device_nodes[NR_DEVICE_NODES];

int register_device_node(const char *path, const struct file_operations *fops)
{
	int free = -1;

	for (int i = 0; i < NR_DEVICE_NODES; i++) {
		if (device_nodes[i].path && !strcmp(device_nodes[i].path, path))
			return -EEXIST;
		if (!device_nodes[i].path && free < 0)
			free = i;
	}
	if (free < 0)
		return -ENOSPC;
	device_nodes[free].path = path;
	device_nodes[free].fops = fops;
	return 0;
}

struct file *get_file(struct file *f)
{
	if (f)
		f->f_count++;
	return f;
}

void fput(struct file *f)
{
	if (f && !--f->f_count)
		kfree(f);
}

struct file *fget(int fd)
{
	if (fd < FIRST_FD || fd >= FIRST_FD + NR_OPEN_FILES)
		return 0;
	return current->files[fd - FIRST_FD];
}

long sys_open(const char __user *upath, int flags)
{
	char path[PATH_MAX_DEV];
	long len = strncpy_from_user(path, upath, sizeof(path));
	struct file *f;
	int slot = -1;

	if (len < 0)
		return len == -ENAMETOOLONG ? -ENOENT : len;    /* no node has a name that long */
	if (flags & ~3 || (flags & 3) == 3)
		return -EINVAL;
	for (int i = 0; i < NR_OPEN_FILES && slot < 0; i++)
		if (!current->files[i])
			slot = i;
	for (int i = 0; i < NR_DEVICE_NODES; i++) {
		if (!device_nodes[i].path || strcmp(device_nodes[i].path, path))
			continue;
		if (slot < 0)
			return -EMFILE;
		f = kzalloc(sizeof(*f), GFP_KERNEL);
		if (!f)
			return -ENOMEM;
		f->f_op = device_nodes[i].fops;
		f->path = device_nodes[i].path;
		f->f_count = 1;
		f->f_flags = flags;
		current->files[slot] = f;
		return slot + FIRST_FD;
	}
	return -ENOENT;
}

long sys_close(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	current->files[fd - FIRST_FD] = 0;
	fput(f);
	return 0;
}

void exit_files(void)
{
	for (int i = 0; i < NR_OPEN_FILES; i++)
		if (current->files[i]) {
			fput(current->files[i]);
			current->files[i] = 0;
		}
}
