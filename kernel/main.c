/* start_kernel: the first C code, called by boot/head.asm on the boot stack
 * in the higher half, with the identity map still present, interrupts off.
 * The order below is the boot flow of docs/design.md §3. */
#include "kernel/boot_info.h"
#include "kernel/init.h"
#include "kernel/initcall.h"
#include "mm/usyscall.h"
#include "kernel/cmdline.h"
#include "kernel/cpufeature.h"
#include "kernel/e820.h"
#include "kernel/gdt.h"
#include "mm/tlb.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/selftest.h"
#include "kernel/setup.h"
#include "kernel/sections.h"
#include "kernel/stacktrace.h"
#include "kernel/time.h"
#include "kernel/traps.h"
#include "kernel/x86.h"
#include "drivers/acpi.h"
#include "drivers/apic.h"
#include "drivers/hpet.h"
#include "drivers/bochs.h"
#include "drivers/efifb.h"
#include "drivers/ivshmem.h"
#include "drivers/kbuf.h"
#include "drivers/pic.h"
#include "drivers/pit.h"
#include "drivers/rtc.h"
#include "drivers/pci.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "mm/direct_map.h"
#include "mm/early_ioremap.h"
#include "mm/init.h"
#include "mm/slab.h"
#include "mm/pat.h"
#include "mm/vmalloc.h"
#include "kernel/sched.h"
#include "kernel/power.h"
#include "kernel/syscall.h"
#include "mm/pti.h"


static __init void register_boot_stacks(void)
{
	unsigned long lo, hi;

	stacktrace_add_stack((unsigned long)boot_stack_bottom, (unsigned long)boot_stack_top);
	for (int ist = 1; ist <= NR_IST_STACKS; ist++) {
		ist_stack_bounds(ist, &lo, &hi);
		stacktrace_add_stack(lo, hi);
	}
}

static __init void print_banner(void)
{
	pr_notice("Carta: a teaching x86-64 kernel, booted by %s (%s)\n",
		  boot_info.loader_name, boot_info.protocol);
	pr_notice("Command line: %s\n", boot_info.cmdline);
	pr_info("CPU: %s %.48s\n", boot_cpu_data.vendor_id, boot_cpu_data.model_id);
}

/* Who owns which addresses and ports: the firmware map, the kernel's
 * sections inside it, then each driver's own ranges (iomem, ioports). */
static void __init request_resources(void)
{
	e820__reserve_resources();
	request_kernel_resources();
	apic_request_resources();
	hpet_request_resources();
	vga_request_resources();
	serial_request_resources();
	pit_request_resources();
	pic_request_resources();
	rtc_request_resources();
	power_request_resources();
}

/* Each step is a boot_step (kernel/initcall.h): timed, and with
 * initcall_debug logged as Linux logs its initcalls. */
void start_kernel(uint32_t magic, uint64_t info_phys)
{
	tsc_early_init();
	serial_init();
	boot_step(tsc_calibrate);       /* first: every later line gets a real timestamp */
	boot_step(register_boot_stacks);
	boot_step(gdt_init);
	boot_step(idt_init);            /* from here a fault prints an oops, not a reset */
	boot_step(early_cpu_init);
	boot_step(cr4_init);
	boot_step(pat_init);            /* before any mapping asks for a memory type */
	boot_step(setup_boot_info, magic, info_phys);    /* multiboot2 or PVH (boot/head.asm) */
	boot_step(parse_early_params, boot_info.cmdline);
	boot_step(pcid_init);           /* after the command line: nopcid */
	boot_step(print_banner);
	boot_step(zap_identity_mappings);       /* physical memory now only via the fixmap */
	boot_step(early_ioremap_init);
	boot_step(vga_init);
	boot_step(e820__memory_setup);          /* the firmware map: kept and printed */
	boot_step(rtc_init);
	boot_step(acpi_boot_init);
	boot_step(lapic_init);
	boot_step(io_apic_init);
	if (kernel_run_selftests_at_boot())
		boot_step(selftest_run_early);
	boot_step(check_early_ioremap_leak);
	boot_step(early_ioremap_finish);
	boot_step(memblock_setup);              /* RAM from e820; first MiB, image, modules reserved */
	boot_step(acpi_reserve_initial_tables); /* ACPI tables that sit in RAM */
	boot_step(memblock_print_setup);
	boot_step(init_mem_mapping);            /* the direct map; CR3 = swapper_pg_dir */
	boot_step(mem_init);                    /* memblock -> buddy allocator */
	boot_step(kmem_cache_init);
	boot_step(vmalloc_init);                /* PUDs of the vmalloc range preallocated */
	boot_step(setup_cpu_entry_areas);       /* at CPU_ENTRY_AREA_BASE; IST stacks there */
	boot_step(hpet_init);                   /* ioremap */
	boot_step(kbuf_init);
	boot_step(vvar_init);                   /* the page every process maps at 0x3ff000 */
	boot_step(vga_mmap_init);
	boot_step(request_resources);
	boot_step(pci_init);                    /* after the resources its windows nest over */
	boot_step(efifb_init);                  /* UEFI: the loader's screen, fbcon on it; before bochs */
	boot_step(bochs_init);                  /* PCI drivers: after pci_init */
	boot_step(ivshmem_init);
	boot_step(mark_rodata_ro);
	boot_step(ptdump_check_wx);
	boot_step(ptdump_check_aliases);
	boot_step(pic_init);
	boot_step(serial_enable_rx_irq);
	boot_step(pti_init);                    /* before the first process: its PGD may need a user table */
	boot_step(sched_init);
	boot_step(syscall_init);
	boot_step(lapic_timer_init);            /* the tick: preemption from here */
	local_irq_enable();
	boot_step(free_initmem);        /* last: nothing below calls boot-only code */
	pr_info("Carta: boot finished in %lu us\n", (unsigned long)ktime_get_us());
	if (kernel_run_selftests_at_boot())
		selftest_run_and_exit();
	if ((unsigned long)__start_init_process == (unsigned long)__stop_init_process)
		panic("No working init found.");
	/* on a vmalloc'd stack */
	start_first_task(__start_init_process->comm, __start_init_process->fn);
}
