/* mmap's protections and flags, open's flags: Linux's values. */
#ifndef CARTA_UAPI_MMAN_H
#define CARTA_UAPI_MMAN_H

#define PROT_NONE      0x0
#define PROT_READ      0x1
#define PROT_WRITE     0x2
#define PROT_EXEC      0x4

#define MAP_SHARED     0x01     /* required for device mappings */
#define MAP_PRIVATE    0x02
#define MAP_FIXED      0x10
#define MAP_ANONYMOUS  0x20

#define MAP_FAILED     ((void *)-1)

#define O_RDONLY       0
#define O_WRONLY       1
#define O_RDWR         2

#endif
