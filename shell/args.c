/* The two argument parsers every command uses (shell/shell.h), so that
 * one convention holds everywhere: an address is hex with an optional
 * 0x (as every address the shell prints is hex), a size is decimal or 0x
 * hex with an optional K, M or G (as Linux's command line writes sizes).
 * A usage line says which is which: [0x]ADDR, SIZE[K|M|G]. */
#include "shell/shell.h"
#include "kernel/kstrtox.h"

int shell_parse_addr(const char *s, unsigned long long *addr)
{
	return kstrtoull(s, 16, addr);  /* base 16 takes an optional 0x itself */
}

int shell_parse_size(const char *s, unsigned long long *size)
{
	return kmemparse(s, size);
}
