/* Must NOT compile: fix_to_virt() with a constant index past the fixmap.
 * tests/system/test_build.py compiles it twice: with -DFIX_INDEX=FIX_APIC_BASE
 * (must build) and as it is (must fail with the static assertion's text). */
#include "mm/fixmap.h"

#ifndef FIX_INDEX
#define FIX_INDEX __end_of_fixed_addresses
#endif

unsigned long fixmap_probe(void)
{
	return fix_to_virt(FIX_INDEX);
}
