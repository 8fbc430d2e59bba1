/* waitpid's status word, Linux's encoding: an exit puts the code in bits
 * 15:8; death by a signal puts the signal number in bits 6:0. Carta has no
 * signal delivery; a fault kills with SIGSEGV's number and `kill` with
 * SIGKILL's, so a parent tells the three cases apart as on Linux. */
#ifndef CARTA_UAPI_WAIT_H
#define CARTA_UAPI_WAIT_H

#define WNOHANG         1

#define SIGBUS          7
#define SIGKILL         9
#define SIGSEGV        11

#define WIFEXITED(s)    (((s) & 0x7f) == 0)
#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WIFSIGNALED(s)  (((s) & 0x7f) != 0)
#define WTERMSIG(s)     ((s) & 0x7f)

#define __W_EXITCODE(code, sig) (((code) & 0xff) << 8 | ((sig) & 0x7f))

#endif
