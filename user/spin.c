/* spin: burns CPU in user mode without ever making a system call, so
 * only the timer interrupt can take the CPU back: with it running, the
 * shell still answers, which shows preemption. Runs until killed, or for
 * ROUNDS x 2^24 iterations.
 *
 * usage: spin [ROUNDS] */
#include "user/lib/ulib.h"

int main(int argc, char *argv[])
{
	unsigned long rounds = 0;
	volatile unsigned long n = 0;

	if (argc > 1 && kstrtoul(argv[1], 10, &rounds))
		return 2;
	for (unsigned long r = 0; !rounds || r < rounds; r++)
		for (unsigned long i = 0; i < (1UL << 24); i++)
			n++;
	printf("spin: done, %lu iterations\n", (unsigned long)n);
	return 0;
}
