/* String to number, Linux's kstrto* contract: the whole string must be a
 * number (one trailing newline allowed); base 0 accepts 0x (hex), 0
 * (octal) or decimal. 0, -EINVAL (not a number) or -ERANGE (too big). */
#ifndef KERNEL_KSTRTOX_H
#define KERNEL_KSTRTOX_H

int kstrtoull(const char *s, unsigned int base, unsigned long long *res);

#endif
