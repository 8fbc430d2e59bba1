/* mmap, munmap, brk and the life of an mm (mm/mmap.h). */
#include "mm/mmap.h"
#include "mm/memory.h"
#include "mm/direct_map.h"
#include "mm/page_alloc.h"
#include "mm/pgd.h"
#include "mm/slab.h"
#include "mm/tlb.h"
#include "mm/vma.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/types.h"
#include "kernel/uapi/mman.h"
#include "kernel/x86.h"
#include "mm/page.h"

unsigned long vm_committed_pages;
unsigned long nr_user_pages;
static struct kmem_cache *vma_cache, *mm_cache;

static bool caches_ready(void)
{
	if (!vma_cache)
		vma_cache = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 8, 0);
	if (!mm_cache)
		mm_cache = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 8, 0);
	return vma_cache && mm_cache;
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = caches_ready() ? kmem_cache_alloc(vma_cache, GFP_KERNEL) : 0;

	if (vma) {
		memset(vma, 0, sizeof(*vma));
		vma->vm_mm = mm;
	}
	return vma;
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (vma) {
		*vma = *orig;
		vma->vm_next = vma->vm_prev = 0;
		get_file(vma->vm_file);
	}
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	fput(vma->vm_file);
	kmem_cache_free(vma_cache, vma);
}

static unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* Strict overcommit (mm/mmap.h): may `pages` more be promised? */
static bool vm_enough_memory(unsigned long pages)
{
	unsigned long reserve = max(totalram_pages / 16, 512UL);
	unsigned long limit = nr_free_pages() + nr_user_pages;

	return limit > reserve && vm_committed_pages + pages <= limit - reserve;
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = caches_ready() ? kmem_cache_alloc(mm_cache, GFP_KERNEL) : 0;

	if (!mm)
		return 0;
	memset(mm, 0, sizeof(*mm));
	mm->pgd = pgd_alloc(mm);
	if (!mm->pgd) {
		kmem_cache_free(mm_cache, mm);
		return 0;
	}
	mm->mmap_base = STACK_TOP - STACK_SIZE - STACK_GUARD_GAP;
	init_new_context(&mm->context);
	return mm;
}

/* vma_remove_range's callback: the pages go, and the charge. */
static void unmap_vma(struct vm_area_struct *vma)
{
	zap_page_range(vma, vma->vm_start, vma->vm_end);
	if (vma->vm_flags & VM_ACCOUNT) {
		vm_committed_pages -= vma_pages(vma);
		vma->vm_mm->committed -= vma_pages(vma);
	}
}

void mmput(struct mm_struct *mm)
{
	unsigned long leaves;

	if (mm_is_loaded(mm))
		leave_mm();     /* CR3 to swapper_pg_dir, in the image */
	/* all-or-nothing only needs memory to split: a range covering every
	 * VMA whole splits none, so this cannot fail */
	vma_remove_range(mm, mmap_min_addr, TASK_SIZE, unmap_vma);
	free_pgtables(mm);
	if (mm->nr_pgtables || mm->rss || mm->committed || mm_walk_pgtables(mm, &leaves))
		pr_err("mmput: mm %p left %lu table pages, %lu pages, %lu committed\n", mm,
		       mm->nr_pgtables, mm->rss, mm->committed);
	pgd_free(mm, mm->pgd);
	kmem_cache_free(mm_cache, mm);
}

struct vm_area_struct *mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
				   unsigned long vm_flags, const char *name)
{
	struct vm_area_struct *vma;
	long err;

	if ((vm_flags & VM_ACCOUNT) && !vm_enough_memory(len >> PAGE_SHIFT))
		return ERR_PTR(-ENOMEM);
	vma = vm_area_alloc(mm);
	if (!vma)
		return ERR_PTR(-ENOMEM);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_name = name;
	err = insert_vm_struct(mm, vma);
	if (err) {
		vm_area_free(vma);
		return ERR_PTR(err);
	}
	if (vm_flags & VM_ACCOUNT) {
		vm_committed_pages += len >> PAGE_SHIFT;
		mm->committed += len >> PAGE_SHIFT;
	}
	return vma;
}

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

long do_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	     int fd, unsigned long off)
{
	struct mm_struct *mm = current->mm;
	unsigned long type = flags & (MAP_SHARED | MAP_PRIVATE), vm_flags;
	struct file *file = 0;
	struct vm_area_struct *vma;
	long err;

	if (!len || prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) || off & ~PAGE_MASK ||
	    flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS) ||
	    (type != MAP_SHARED && type != MAP_PRIVATE))
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget(fd);
		if (!file)
			return -EBADF;
		if (type != MAP_SHARED)
			return -EINVAL;         /* a device's memory is shared by nature */
		if ((prot & PROT_WRITE) && (file->f_flags & 3) == O_RDONLY)
			return -EACCES;
	}
	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK || addr < mmap_min_addr || addr > TASK_SIZE - len)
			return -EINVAL;
		err = do_munmap(mm, addr, len);         /* MAP_FIXED replaces what was there */
		if (err)
			return err;
	} else if (pgtable_l5_enabled() && addr > DEFAULT_MAP_WINDOW &&
		   !(addr & ~PAGE_MASK) && addr <= TASK_SIZE_MAX - len &&
		   !find_vma_intersection(mm, addr, addr + len)) {
		/* Linux's rule for 5-level paging: user space stays 47-bit
		 * (DEFAULT_MAP_WINDOW) unless a hint above it asks for more,
		 * so programs that keep tags in pointer bits 47..56 go on
		 * working; a free hinted range up to TASK_SIZE_MAX is used. A
		 * hint that does not fit falls back to the 47-bit search,
		 * as any hint does. */
	} else {
		addr = get_unmapped_area(mm, len);
		if (IS_ERR_VALUE(addr))
			return (long)addr;
	}
	vm_flags = prot_to_vm_flags(prot) | (type == MAP_SHARED ? VM_SHARED : 0);
	if (!file && (vm_flags & VM_WRITE))
		vm_flags |= VM_ACCOUNT;
	vma = mmap_region(mm, addr, len, vm_flags, file ? file->path : 0);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if (file) {
		vma->vm_file = get_file(file);
		vma->vm_pgoff = off >> PAGE_SHIFT;
		err = file->f_op->mmap ? file->f_op->mmap(file, vma) : -ENODEV;
		if (err) {
			vma_remove_range(mm, vma->vm_start, vma->vm_end, unmap_vma);
			return err;
		}
	}
	return (long)addr;
}

long do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	if (start & ~PAGE_MASK || !len || len > TASK_SIZE || start > TASK_SIZE - len)
		return -EINVAL;
	return vma_remove_range(mm, start, start + PAGE_ALIGN(len), unmap_vma);
}

/* Linux's brk: the break moves within [start_brk, the next VMA); the
 * heap VMA follows it page by page. Returns the break now in force. */
long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long newend = PAGE_ALIGN(brk), oldend = PAGE_ALIGN(mm->brk);
	struct vm_area_struct *heap;

	if (brk < mm->start_brk || brk > mm->mmap_base)
		return mm->brk;
	if (newend < oldend && do_munmap(mm, newend, oldend - newend))
		return mm->brk;
	if (newend > oldend) {
		if (find_vma_intersection(mm, oldend, newend) ||
		    !vm_enough_memory((newend - oldend) >> PAGE_SHIFT))
			return mm->brk;
		heap = oldend > mm->start_brk ? find_vma(mm, oldend - 1) : 0;
		if (heap && heap->vm_end == oldend && heap->vm_name && !strcmp(heap->vm_name, "[heap]")) {
			heap->vm_end = newend;
			vm_committed_pages += (newend - oldend) >> PAGE_SHIFT;
			mm->committed += (newend - oldend) >> PAGE_SHIFT;
		} else if (IS_ERR(mmap_region(mm, oldend, newend - oldend,
					      VM_READ | VM_WRITE | VM_ACCOUNT, "[heap]"))) {
			return mm->brk;
		}
	}
	mm->brk = brk;
	return brk;
}
