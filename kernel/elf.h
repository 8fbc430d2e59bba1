/* ELF64 executables, as the user-program loader sees them (kernel/elf.c).
 *
 * A user program is a static ELF64 executable handed to the kernel as a
 * multiboot2 module. Before mapping anything the loader calls
 * elf_validate(), a pure function (no allocation, no printk, no globals)
 * that checks every header field the loader will use and copies the
 * loadable segments into a struct elf_image. The loader then trusts only
 * the elf_image, never the file.
 *
 * Names and values below are the System V gABI's ("ELF-64 Object File
 * Format" 1.5, and the gABI's chapter 4 "Object Files" / chapter 5
 * "Program Loading"); EM_X86_64 is from the x86-64 psABI.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>

/* ---- the ELF64 data types (ELF-64 spec, table 1) ---------------------------- */

typedef uint64_t Elf64_Addr;    /* unsigned program address */
typedef uint64_t Elf64_Off;     /* unsigned file offset */
typedef uint16_t Elf64_Half;
typedef uint32_t Elf64_Word;
typedef int32_t  Elf64_Sword;
typedef uint64_t Elf64_Xword;
typedef int64_t  Elf64_Sxword;

/* ---- the file header (gABI "ELF Header") -------------------------------------- */

/* e_ident[] indices */
#define EI_MAG0         0       /* 0x7f */
#define EI_MAG1         1       /* 'E' */
#define EI_MAG2         2       /* 'L' */
#define EI_MAG3         3       /* 'F' */
#define EI_CLASS        4       /* file class: 32 or 64 bit */
#define EI_DATA         5       /* data encoding: byte order */
#define EI_VERSION      6       /* must be EV_CURRENT */
#define EI_OSABI        7
#define EI_ABIVERSION   8
#define EI_PAD          9       /* start of padding */
#define EI_NIDENT       16

#define ELFMAG0         0x7f
#define ELFMAG1         'E'
#define ELFMAG2         'L'
#define ELFMAG3         'F'

#define ELFCLASSNONE    0
#define ELFCLASS32      1
#define ELFCLASS64      2

#define ELFDATANONE     0
#define ELFDATA2LSB     1       /* little-endian, as x86-64 */
#define ELFDATA2MSB     2

#define EV_NONE         0
#define EV_CURRENT      1       /* both EI_VERSION and e_version */

/* e_type */
#define ET_NONE         0
#define ET_REL          1       /* relocatable object (.o) */
#define ET_EXEC         2       /* executable at fixed addresses */
#define ET_DYN          3       /* shared object or PIE: needs relocation */
#define ET_CORE         4

/* e_machine */
#define EM_386          3
#define EM_X86_64       62      /* AMD x86-64 (psABI) */

typedef struct {
	unsigned char e_ident[EI_NIDENT];
	Elf64_Half e_type;
	Elf64_Half e_machine;
	Elf64_Word e_version;
	Elf64_Addr e_entry;     /* virtual address of the first instruction */
	Elf64_Off  e_phoff;     /* file offset of the program header table */
	Elf64_Off  e_shoff;     /* section headers: the loader never looks */
	Elf64_Word e_flags;
	Elf64_Half e_ehsize;    /* sizeof(Elf64_Ehdr) */
	Elf64_Half e_phentsize; /* sizeof(Elf64_Phdr) */
	Elf64_Half e_phnum;
	Elf64_Half e_shentsize;
	Elf64_Half e_shnum;
	Elf64_Half e_shstrndx;
} Elf64_Ehdr;

/* ---- program headers (gABI "Program Header") ---------------------------------- */

/* p_type */
#define PT_NULL         0       /* unused entry */
#define PT_LOAD         1       /* a loadable segment */
#define PT_DYNAMIC      2       /* dynamic linking information */
#define PT_INTERP       3       /* path of the program interpreter (ld.so) */
#define PT_NOTE         4
#define PT_SHLIB        5       /* reserved */
#define PT_PHDR         6       /* the program header table itself */
#define PT_TLS          7       /* thread-local storage template */
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK    0x6474e551      /* p_flags: stack permissions */
#define PT_GNU_RELRO    0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define PF_X            1
#define PF_W            2
#define PF_R            4
#define PF_MASKOS       0x0ff00000
#define PF_MASKPROC     0xf0000000

typedef struct {
	Elf64_Word  p_type;
	Elf64_Word  p_flags;
	Elf64_Off   p_offset;   /* file offset of the segment's first byte */
	Elf64_Addr  p_vaddr;    /* where that byte goes in memory */
	Elf64_Addr  p_paddr;    /* unused on x86-64 */
	Elf64_Xword p_filesz;   /* bytes in the file */
	Elf64_Xword p_memsz;    /* bytes in memory; the rest is zero (bss) */
	Elf64_Xword p_align;
} Elf64_Phdr;

_Static_assert(sizeof(Elf64_Ehdr) == 64, "ELF-64 spec: the file header is 64 bytes");
_Static_assert(sizeof(Elf64_Phdr) == 56, "ELF-64 spec: a program header is 56 bytes");

/* ---- what Carta accepts ---------------------------------------------------------- */

#define ELF_MAX_SEGMENTS     8          /* PT_LOAD segments per program */
#define ELF_MAX_PHNUM        32         /* program headers of any type */
/* Nothing is mapped below this, so a NULL pointer (plus a small offset)
 * always faults: Linux's vm.mmap_min_addr default. */
#define ELF_MIN_VADDR        0x10000UL
/* Program images lie in the lower 64 TiB of the 128 TiB user half; the
 * stack and mmap areas live above. */
#define ELF_MAX_END          0x0000400000000000UL
#define ELF_MAX_SEGMENT_SIZE (256UL << 20)      /* one segment's p_memsz */
#define ELF_PAGE_SIZE        4096UL             /* the unit the loader maps in */

/* One PT_LOAD segment, copied from its program header: map memsz bytes at
 * vaddr with flags (PF_R/PF_W/PF_X), the first filesz of them from the file
 * at offset, the rest zeroes. */
struct elf_segment {
	unsigned long vaddr, memsz, offset, filesz;
	unsigned int flags;
};

/* A validated program: its entry point and PT_LOAD segments, sorted by
 * vaddr, disjoint even when rounded out to whole pages. */
struct elf_image {
	unsigned long entry;
	int nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Check the static ELF64 x86-64 executable in data[0, len) and describe it.
 *
 * Returns 0 and fills *out if the file is one Carta can load: every field
 * the loader uses was checked (the list is at the top of kernel/elf.c), so
 * for every out->seg[i]:
 *   ELF_MIN_VADDR <= vaddr, vaddr + memsz <= ELF_MAX_END, 0 < memsz
 *   <= ELF_MAX_SEGMENT_SIZE, filesz <= memsz, offset + filesz <= len,
 *   vaddr % 4096 == offset % 4096, flags has PF_R and not both PF_W, PF_X,
 * the segments' page-rounded ranges are disjoint and sorted, and entry is
 * inside an executable segment.
 * Returns -ENOEXEC otherwise, with *out all zero and err holding one line
 * (NUL-terminated, no newline, cut to errlen - 1 characters) naming the
 * field and its value, e.g. "e_machine 3 is not x86-64 (62)". The caller
 * prints "<name>: <err>".
 *
 * data may have any alignment; no byte outside data[0, len) is read.
 * out must not be NULL; err may be NULL only if errlen is 0. Safe to call
 * from anywhere: it touches only its arguments and the stack (~1 KiB).
 */
int elf_validate(const void *data, unsigned long len, struct elf_image *out,
		 char *err, unsigned long errlen);

#endif
