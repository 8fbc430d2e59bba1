"""Convenience functions between the kernel's address kinds, as the
kernel computes them (mm/page.h, mm/page_alloc.c):

  $pa(x)            __pa: a direct-map or kernel-image address -> physical
  $va(p)            __va: physical -> its direct-map alias (a void *)
  $pfn_to_page(n)   &mem_map[n] (a struct page *)
  $page_to_pfn(p)   p - mem_map
  $virt_to_page(x)  pfn_to_page(__pa(x) >> PAGE_SHIFT)
  $page_address(p)  __va(page_to_pfn(p) << PAGE_SHIFT)

Arguments are any expression: $pa(&log_buf), $pa(start_kernel), $va($cr3 & ~0xfff).
These are arithmetic, as in the kernel: nothing here walks the page
tables (translate-vm does).
"""
import gdb

from carta import utils


def void_p(n):
    return gdb.Value(n & utils.U64).cast(gdb.lookup_type("void").pointer())


def page_p(n):
    return gdb.Value(n & utils.U64).cast(gdb.lookup_type("struct page").pointer())


class Fn(gdb.Function):
    def __init__(self, name, fn, doc):
        self.__doc__ = doc
        super().__init__(name)
        self.name, self.fn = name, fn

    def invoke(self, arg):
        try:
            return self.fn(utils.address_of(arg))
        except gdb.error as e:      # MemoryError included: one line, no traceback
            raise gdb.GdbError(f"${self.name}: {e}")


Fn("pa", lambda x: gdb.Value(utils.pa(x)).cast(gdb.lookup_type("unsigned long")),
   "$pa(x): __pa, the physical address of a kernel virtual address.")
Fn("va", lambda p: void_p(utils.va(p)), "$va(phys): __va, the direct-map address of phys.")
Fn("pfn_to_page", lambda n: page_p(utils.pfn_to_page(n)), "$pfn_to_page(pfn): &mem_map[pfn].")
Fn("page_to_pfn", lambda p: gdb.Value(utils.page_to_pfn(p)).cast(gdb.lookup_type("unsigned long")),
   "$page_to_pfn(page): its page frame number.")
Fn("virt_to_page", lambda x: page_p(utils.pfn_to_page(utils.pa(x) >> utils.PAGE_SHIFT)),
   "$virt_to_page(x): the struct page of the page holding x.")
Fn("page_address", lambda p: void_p(utils.page_address(p)),
   "$page_address(page): its direct-map address.")
