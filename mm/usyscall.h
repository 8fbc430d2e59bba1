/* The [vvar] pages of every process (kernel/uapi/usyscall.h for the
 * layout user programs see; mm/usyscall.c). */
#ifndef MM_USYSCALL_H
#define MM_USYSCALL_H

#include <stdint.h>

struct mm_struct;

/* Boot: allocates the shared page. */
void vvar_init(void);
/* Maps the [vvar] VMA into a process's mm (spawn and fork call it; a
 * bare mm_alloc stays empty): a fresh per-process page (pid 0 until
 * usyscall_set_pid) and the shared page. 0, -ENOMEM, or the error of
 * mmap_region (something already there); the caller mmputs the mm,
 * which frees whatever was mapped. */
int usyscall_map(struct mm_struct *mm);
/* Writes the pid of the task that will run mm into its page. */
void usyscall_set_pid(struct mm_struct *mm, int pid);
/* The timer tick's part: the shared page gets the new jiffies. */
void vvar_update(uint64_t jiffies);

#endif
