# Host unit tests for the multiboot2 boot-information parser. Included by the
# top-level Makefile, which builds build/unit/test_<name> from
# tests/unit/test_<name>.c and $(UNIT_SRCS_<name>); the C library supplies
# memcpy/snprintf on the host.
UNIT_TESTS += multiboot2
UNIT_SRCS_multiboot2 := kernel/multiboot2.c
