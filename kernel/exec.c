/* spawn: a new process running a program from the initramfs
 * (kernel/exec.h). Validate the ELF, make the mm, copy the file's bytes
 * into pages, build the stack with argv, build the task. Anything that
 * fails undoes everything before it: the mm goes through mmput, which
 * frees whatever was mapped. */
#include "kernel/exec.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
#include "kernel/initramfs.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/traps.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/unistd.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/usyscall.h"

const struct initramfs_file *find_program(const char *name)
{
	return rootfs_lookup(&rootfs, name);
}

/* Copies the file bytes that fall in [addr, addr + PAGE_SIZE) into a new
 * zeroed page and maps it. */
static int load_page(struct vm_area_struct *vma, const struct elf_segment *s,
		     const uint8_t *file, unsigned long addr)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
	unsigned long from = max(addr, s->vaddr);
	unsigned long to = min(addr + PAGE_SIZE, s->vaddr + s->filesz);

	if (!page)
		return -ENOMEM;
	memcpy((uint8_t *)page_address(page) + (from - addr), file + s->offset + (from - s->vaddr),
	       to - from);
	if (install_page(vma, addr, page)) {
		__free_pages(page, 0);
		return -ENOMEM;
	}
	return 0;
}

/* One VMA per PT_LOAD (the validator made them page-disjoint); the pages
 * holding file bytes are filled now, the rest (bss) is demand-zero. */
static int load_segments(struct mm_struct *mm, const struct elf_image *img,
			 const uint8_t *file, const char *name)
{
	for (int i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		unsigned long start = s->vaddr & PAGE_MASK, end = PAGE_ALIGN(s->vaddr + s->memsz);
		unsigned long fl = (s->flags & PF_R ? VM_READ : 0) | (s->flags & PF_W ? VM_WRITE : 0) |
				   (s->flags & PF_X ? VM_EXEC : 0);
		struct vm_area_struct *vma;

		if (fl & VM_WRITE)
			fl |= VM_ACCOUNT;
		vma = mmap_region(mm, start, end - start, fl, name);
		if (IS_ERR(vma))
			return PTR_ERR(vma);
		for (unsigned long a = start; a < s->vaddr + s->filesz; a += PAGE_SIZE)
			if (load_page(vma, s, file, a))
				return -ENOMEM;
		if (fl & VM_EXEC) {
			mm->start_code = start;
			mm->end_code = end;
		} else if (fl & VM_WRITE) {
			mm->start_data = start;
			mm->end_data = end;
		}
		if (end > mm->start_brk)
			mm->start_brk = mm->brk = end;
	}
	return 0;
}

/* The stack VMA and its top page: argc, argv[], NULL, then the strings
 * (the System V x86-64 ABI's initial stack, without envp and auxv).
 * Returns the user RSP, or 0 without memory. */
static unsigned long setup_stack(struct mm_struct *mm, int argc, char *const argv[],
				 unsigned long *uargv)
{
	struct vm_area_struct *vma = mmap_region(mm, STACK_TOP - STACK_SIZE, STACK_SIZE,
				VM_READ | VM_WRITE | VM_GROWSDOWN | VM_ACCOUNT, "[stack]");
	unsigned long base = STACK_TOP - PAGE_SIZE, str = STACK_TOP, sp;
	struct page *page;
	uint8_t *kpage;
	uint64_t *slots;

	if (IS_ERR(vma))
		return 0;
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
	if (!page)
		return 0;
	if (install_page(vma, base, page)) {
		__free_pages(page, 0);
		return 0;
	}
	kpage = page_address(page);     /* written through the direct map */
	sp = STACK_TOP - (SPAWN_ARGS_MAX * SPAWN_ARG_LEN);
	sp = (sp - (argc + 2) * 8) & ~15UL;     /* RSP % 16 == 0 at _start */
	slots = (uint64_t *)(kpage + (sp - base));
	slots[0] = argc;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		str -= n;
		memcpy(kpage + (str - base), argv[i], n);
		slots[1 + i] = str;
	}
	slots[1 + argc] = 0;
	mm->start_stack = sp;
	*uargv = sp + 8;
	return sp;
}

/* A task whose first switch lands in ret_from_fork with a pt_regs that
 * IRETQ turns into ring 3 at the entry point. */
static struct task_struct *new_user_task(const char *name, struct mm_struct *mm,
					 unsigned long entry, unsigned long sp, int argc,
					 unsigned long uargv)
{
	struct task_struct *t = alloc_task(name);
	struct pt_regs *regs;
	unsigned long *frame;

	if (!t)
		return 0;
	t->mm = mm;
	usyscall_set_pid(mm, t->pid);
	regs = (struct pt_regs *)(task_stack_top(t) - sizeof(*regs));
	memset(regs, 0, sizeof(*regs));
	regs->ip = entry;
	regs->cs = __USER_CS;
	regs->flags = X86_EFLAGS_IF | 0x2;      /* bit 1 is always 1 (SDM Vol. 1 3.4.3) */
	regs->sp = sp;
	regs->ss = __USER_DS;
	regs->di = argc;
	regs->si = uargv;
	frame = (unsigned long *)regs - 7;      /* r15 r14 r13 r12 rbx rbp, return address */
	memset(frame, 0, 6 * sizeof(*frame));
	frame[6] = (unsigned long)ret_from_fork;
	t->thread.sp = (unsigned long)frame;
	return t;
}

long do_spawn(const char *path, int argc, char *const argv[])
{
	const struct initramfs_file *f = find_program(path);
	struct elf_image img;
	char err[160];
	struct mm_struct *mm;
	struct task_struct *t;
	unsigned long sp, uargv;
	const uint8_t *file;
	long ret;

	if (!f)
		return -ENOENT;
	if (argc < 1 || argc > SPAWN_ARGS_MAX)
		return -E2BIG;
	for (int i = 0; i < argc; i++)
		if (strlen(argv[i]) >= SPAWN_ARG_LEN)
			return -E2BIG;
	file = phys_to_virt(f->start);  /* inside a boot module, reserved in memblock */
	if (elf_validate(file, f->end - f->start, &img, err, sizeof(err))) {
		pr_err("spawn: %s: %s\n", f->name, err);
		return -ENOEXEC;
	}
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	ret = load_segments(mm, &img, file, f->name);
	if (!ret)
		ret = usyscall_map(mm);         /* the [vvar] pages (mm/usyscall.c) */
	sp = ret ? 0 : setup_stack(mm, argc, argv, &uargv);
	t = sp ? new_user_task(f->name, mm, img.entry, sp, argc, uargv) : 0;
	if (!t) {
		mmput(mm);
		/* the validator made segments disjoint and in range, so only
		 * memory can fail here; anything else still means a bad file */
		return !ret || ret == -ENOMEM ? -ENOMEM : -ENOEXEC;
	}
	t->parent = current;
	sched_add_task(t);
	return t->pid;
}

/* spawn(path, argv): everything copied in before anything is made. */
long sys_spawn(const char __user *upath, char *const __user *uargv)
{
	char path[SPAWN_ARG_LEN], *argv[SPAWN_ARGS_MAX];
	char (*buf)[SPAWN_ARG_LEN];
	int argc = 0;
	long ret;

	ret = strncpy_from_user(path, upath, sizeof(path));
	if (ret < 0)
		return ret == -ENAMETOOLONG ? -ENOENT : ret;
	buf = kmalloc(SPAWN_ARGS_MAX * SPAWN_ARG_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;; argc++) {
		const char *uarg;

		if (copy_from_user(&uarg, uargv + argc, sizeof(uarg))) {
			ret = -EFAULT;
			goto out;
		}
		if (!uarg)
			break;
		if (argc == SPAWN_ARGS_MAX) {
			ret = -E2BIG;
			goto out;
		}
		ret = strncpy_from_user(buf[argc], uarg, SPAWN_ARG_LEN);
		if (ret < 0) {
			ret = ret == -ENAMETOOLONG ? -E2BIG : ret;
			goto out;
		}
		argv[argc] = buf[argc];
	}
	ret = argc ? do_spawn(path, argc, argv) : -EINVAL;
out:
	kfree(buf);
	return ret;
}
