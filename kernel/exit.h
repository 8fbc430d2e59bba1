/* Process exit, waitpid and kill (kernel/exit.c); do_exit is in
 * kernel/sched.h. */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

/* Waits for a child of current (pid, or any if -1) to be a zombie, reaps
 * it and stores its status: its pid, 0 (WNOHANG and none yet), -ECHILD,
 * -EINTR (current was killed) or -EINVAL. */
long kernel_waitpid(int pid, int *status, int options);
long sys_waitpid(int pid, int *ustatus, int options);
/* Marks a process to exit with SIGKILL's status the next time it would
 * return to user mode (waking it if asleep): 0, -ESRCH or -EPERM (a
 * kernel thread). */
int kill_task(int pid);

#endif
