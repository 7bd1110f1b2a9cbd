/*
 * A 64-bit x86_64 program that also makes i386 socket calls (int $0x80), as an attacker in
 * a bypassed container would: it connects a UDP socket natively to the test host's UDP echo
 * (the bypass switches it to a host socket), then tries to re-point that socket at the
 * host's 127.0.0.1 through the i386 connect (362) and through i386 socketcall(SYS_CONNECT),
 * sending after each try and reading the echo. No libc: static, raw syscalls only.
 *
 *   compat-connect probe                       prints "ia32=0" if int $0x80 works, else ia32=-errno
 *   compat-connect HOST_IP ECHO_PORT LO_PORT [no-socketcall]
 *       prints "native=R i386=R echo1=N socketcall=R echo2=N" (without the last two if asked)
 *
 * The i386 ABI takes 32-bit pointers: everything passed through int $0x80 lives in static
 * storage, which a non-PIE static binary has below 4 GiB.
 */

typedef unsigned int u32;
typedef unsigned short u16;

#define NR_READ 0
#define NR_WRITE 1
#define NR_SOCKET 41
#define NR_CONNECT 42
#define NR_SETSOCKOPT 54
#define NR_GETPID 39
#define NR_EXIT_GROUP 231
#define NR32_GETPID 20
#define NR32_SOCKETCALL 102
#define NR32_CONNECT 362
#define SYS_CONNECT 3
#define AF_INET 2
#define SOCK_DGRAM 2
#define SOL_SOCKET 1
#define SO_RCVTIMEO 20

static long sys(long n, long a, long b, long c, long d, long e) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return r;
}

static int sys32(int n, u32 b, u32 c, u32 d) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(b), "c"(c), "d"(d)
                     : "r8", "r9", "r10", "r11", "memory");
    return r;
}

static unsigned char native_addr[16];
static unsigned char loopback_addr[16];
static u32 socketcall_args[3];
static char buf[64];
static char out[256];
static int outlen;

static void put(const char *s) {
    while (*s && outlen < (int) sizeof(out)) {
        out[outlen++] = *s++;
    }
}

static void putnum(long v) {
    char tmp[24];
    int i = 0;
    if (v < 0) {
        put("-");
        v = -v;
    }
    do {
        tmp[i++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (i > 0) {
        char c[2] = {tmp[--i], 0};
        put(c);
    }
}

static u32 number(const char **s) {
    u32 v = 0;
    while (**s >= '0' && **s <= '9') {
        v = v * 10 + (u32) (**s - '0');
        (*s)++;
    }
    return v;
}

/* struct sockaddr_in: family, port (big-endian), address (network order). */
static void sockaddr(unsigned char *sa, const char *ip, u32 port) {
    int i;
    for (i = 0; i < 16; i++) {
        sa[i] = 0;
    }
    sa[0] = AF_INET;
    sa[2] = (unsigned char) (port >> 8);
    sa[3] = (unsigned char) port;
    for (i = 0; i < 4; i++) {
        sa[4 + i] = (unsigned char) number(&ip);
        if (*ip == '.') {
            ip++;
        }
    }
}

static long echo(int fd) {
    long w = sys(NR_WRITE, fd, (long) "ping", 4, 0, 0);
    if (w < 0) {
        return w;
    }
    return sys(NR_READ, fd, (long) buf, sizeof(buf), 0, 0);
}

void start(long *sp) {
    long argc = sp[0];
    char **argv = (char **) (sp + 1);
    if (argc == 2) {
        int pid32 = sys32(NR32_GETPID, 0, 0, 0);
        put("ia32=");
        putnum(pid32 == (int) sys(NR_GETPID, 0, 0, 0, 0, 0) ? 0 : (pid32 < 0 ? pid32 : -1));
    } else if (argc == 4 || argc == 5) {
        const char *p = argv[2];
        const char *q = argv[3];
        u32 echo_port = number(&p);
        u32 lo_port = number(&q);
        long timeout[2] = {5, 0};
        int fd = (int) sys(NR_SOCKET, AF_INET, SOCK_DGRAM, 0, 0, 0);
        sys(NR_SETSOCKOPT, fd, SOL_SOCKET, SO_RCVTIMEO, (long) timeout, sizeof(timeout));
        sockaddr(native_addr, argv[1], echo_port);
        sockaddr(loopback_addr, "127.0.0.1", lo_port);
        put("native=");
        putnum(sys(NR_CONNECT, fd, (long) native_addr, 16, 0, 0));
        put(" i386=");
        putnum(sys32(NR32_CONNECT, (u32) fd, (u32) (unsigned long) loopback_addr, 16));
        put(" echo1=");
        putnum(echo(fd));
        if (argc == 5) {
            goto done;
        }
        socketcall_args[0] = (u32) fd;
        socketcall_args[1] = (u32) (unsigned long) loopback_addr;
        socketcall_args[2] = 16;
        put(" socketcall=");
        putnum(sys32(NR32_SOCKETCALL, SYS_CONNECT, (u32) (unsigned long) socketcall_args, 0));
        put(" echo2=");
        putnum(echo(fd));
    } else {
        put("usage: compat-connect probe | HOST_IP ECHO_PORT LO_PORT [no-socketcall]");
    }
done:
    put("\n");
    sys(NR_WRITE, 1, (long) out, outlen, 0, 0);
    sys(NR_EXIT_GROUP, 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n"
        "_start:\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call start\n"
        "  hlt\n");
