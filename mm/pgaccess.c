/* pgaccess(start, npages, bitmap): which pages of [start, start +
 * npages pages) were accessed since the last call (the xv6 pgtbl lab's
 * call; Linux exposes the same bit through /proc/PID/clear_refs and
 * the "Referenced" of smaps, and page reclaim reads it).
 *
 * The CPU sets a PTE's Accessed bit (bit 5) the first time it uses the
 * entry to fill a TLB entry, and never clears it (SDM Vol. 3A 4.8). The
 * call reports bit i of the bitmap (bit i % 8 of byte i / 8) for page i,
 * then clears the A bits it found set, and must flush those pages from
 * the TLB: while a TLB entry for the page lives, accesses go through it
 * and the CPU never looks at the PTE again, so a cleared A bit would
 * stay clear however often the page is touched. Carta's PTEs start with
 * A set (vm_get_page_prot, so the first touch needs no locked update):
 * a first call reports every mapped page, and clears them. */
#include "mm/memory.h"
#include "mm/pgtable.h"
#include "mm/tlb.h"
#include "mm/vma.h"
#include "kernel/errno.h"
#include "kernel/lab.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/unistd.h"
#include "kernel/x86.h"

long sys_pgaccess(unsigned long start, unsigned long npages, unsigned long ubitmap)
{
	unsigned char bits[PGACCESS_MAX_PAGES / 8] = { 0 };
	unsigned long nbytes = (npages + 7) / 8;

	if (start & ~PAGE_MASK || !npages || npages > PGACCESS_MAX_PAGES ||
	    start >= TASK_SIZE || npages > (TASK_SIZE - start) >> PAGE_SHIFT)
		return -EINVAL;
	if (!access_ok((void *)ubitmap, nbytes))
		return -EFAULT;
	/* LAB pgaccess BEGIN: read each PTE's A bit into the bitmap, then clear it and flush */
	for (unsigned long i = 0; i < npages; i++) {
		pte_t *pte = user_pte_lookup(current->mm, start + i * PAGE_SIZE);

		if (pte && pte_present(*pte) && (pte_val(*pte) & _PAGE_ACCESSED))
			bits[i / 8] |= 1 << (i % 8);
	}
	/* the bitmap first: a bad pointer leaves every A bit as it was */
	if (copy_to_user((void *)ubitmap, bits, nbytes))
		return -EFAULT;
	for (unsigned long i = 0; i < npages; i++) {
		unsigned long addr = start + i * PAGE_SIZE;
		pte_t *pte;

		if (!(bits[i / 8] & (1 << (i % 8))))
			continue;
		pte = user_pte_lookup(current->mm, addr);
		set_pte(pte, __pte(pte_val(*pte) & ~_PAGE_ACCESSED));
		/* the page's TLB entries, or the CPU sets A no more (SDM Vol. 3A
		 * 4.8): with pti=on and PCID the user PCID's too, which INVLPG
		 * in the kernel does not reach */
		flush_tlb_mm_range(current->mm, addr, addr + PAGE_SIZE);
	}
	return 0;
	/* LAB pgaccess STUB
	(void)bits;
	lab_not_implemented("pgaccess", __func__);
	return -ENOSYS;
	   LAB pgaccess END */
}
