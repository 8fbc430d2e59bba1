/* Memory set-up steps of start_kernel. */
#ifndef MM_INIT_H
#define MM_INIT_H

/* Clears the boot identity map (early_top_pgt slot 0) and flushes the TLB.
 * After it, nothing in the user half is mapped: physical memory is reached
 * only through kernel-half mappings. Boot only, interrupts off. */
void zap_identity_mappings(void);

#endif
