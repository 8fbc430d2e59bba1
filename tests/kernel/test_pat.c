/* The PAT (mm/pat.c) on the real CPU: the MSR read back, and the PTE bits
 * each cache mode gets, against the SDM's encodings written out here. */
#include "tests/kernel/ktest.h"
#include "kernel/x86.h"
#include "mm/pat.h"

/* Linux's PAT layout, written out from the SDM encodings (Table 11-10:
 * UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7): WB WC UC- UC WB WP UC- WT. */
KTEST(pat, msr_and_cache_mode_bits)
{
	/* without PAT the power-on table has WB WT UC- UC only */
	for (int m = 0; m <= _PAGE_CACHE_MODE_WP; m++)
		if (pat_enabled() || (m != _PAGE_CACHE_MODE_WC && m != _PAGE_CACHE_MODE_WP))
			KUNIT_EXPECT_EQ(test, pgprot2cachemode(__pgprot(cachemode2protval(m))), m);
	if (!pat_enabled())
		return;
	KUNIT_EXPECT_EQ(test, rdmsr(0x277), 0x0407050600070106ULL);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_WB), 0);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_WC), _PAGE_PWT);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS), _PAGE_PCD);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_UC), _PAGE_PCD | _PAGE_PWT);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_WP), _PAGE_PAT | _PAGE_PWT);
	KUNIT_EXPECT_EQ(test, cachemode2protval(_PAGE_CACHE_MODE_WT),
			_PAGE_PAT | _PAGE_PCD | _PAGE_PWT);
}
