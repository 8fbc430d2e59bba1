/* Exception-table lookup (kernel/extable.h). A handful of entries: a
 * linear search is enough. */
#include "kernel/extable.h"
#include "kernel/traps.h"

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

static const struct exception_table_entry *search(unsigned long ip)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == ip)
			return e;
	return 0;
}

bool search_exception_tables(unsigned long ip)
{
	return search(ip) != 0;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search(regs->ip);

	if (!e)
		return false;
	regs->ip = e->fixup;
	return true;
}
