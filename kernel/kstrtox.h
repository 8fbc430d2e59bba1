/* String to number, Linux's kstrto* contract: the whole string must be a
 * number (one trailing newline allowed); base 0 accepts 0x (hex), 0
 * (octal) or decimal. 0, -EINVAL (not a number) or -ERANGE (too big). */
#ifndef KERNEL_KSTRTOX_H
#define KERNEL_KSTRTOX_H

int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
/* A size as Linux's memparse reads it (lib/cmdline.c): a number, decimal
 * or 0x hex, then optionally one of K, M, G (KiB, MiB, GiB; either case),
 * with kstrtoull's contract: the whole string, 0, -EINVAL or -ERANGE.
 * Unlike memparse, a leading 0 is not octal. */
int kmemparse(const char *s, unsigned long long *res);

#endif
