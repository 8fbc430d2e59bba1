/* Memory set-up steps of start_kernel (mm/init.h). */
#include "mm/init.h"
#include "mm/pgtable.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

extern pgd_t early_top_pgt[PTRS_PER_PGD];

void zap_identity_mappings(void)
{
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
		early_top_pgt[i] = __pgd(0);
	/* A CR3 write flushes every non-global TLB entry (SDM Vol. 3A
	 * 4.10.4.1); the identity map was never global, so this is enough. */
	write_cr3(read_cr3());
	pr_info("x86/mm: identity map of 0-4 GiB dropped; user half empty\n");
}
