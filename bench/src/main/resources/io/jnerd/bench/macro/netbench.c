/*
 * netbench: the small socket client and server of `jnerd bench`, compiled with gcc at
 * bench time (static, so it runs in a busybox image). Busybox's nc forks per connection and
 * Java would need a JVM in the image, so neither can measure connect rates honestly.
 *
 *   netbench accept  ADDR PORT [THREADS]
 *                                      accept and close connections until killed (in
 *                                      THREADS threads, default 1)
 *   netbench connect ADDR PORT SECONDS [THREADS [WARMUP]]
 *                                      connect+close in a loop (in THREADS threads at once,
 *                                      default 1); prints the summed rate and latency; the
 *                                      same loop runs WARMUP seconds first, not counted
 *   netbench sockopt SECONDS            socket+setsockopt+fcntl+close in a loop; prints rate
 *   netbench wait    ADDR PORT SECONDS  retry connecting until ADDR:PORT accepts and keeps the
 *                                      connection open (server ready, also behind a forwarder)
 *
 * Results are one line of key=value pairs on stdout; errors one line on stderr, exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (4 * 1024 * 1024)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what, const char *target) {
    fprintf(stderr, "netbench: %s %s: %s (errno %d)\n", what, target, strerror(errno), errno);
    return 1;
}

static int parse_addr(const char *ip, const char *port, struct sockaddr_in *sa) {
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short) atoi(port));
    return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

static void *accept_thread(void *arg) {
    int s = *(const int *) arg;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0) close(c);
        else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE) {
            die("accept on", "the listening socket");
            exit(1);
        }
    }
    return NULL;
}

/*
 * THREADS accepting threads on the one listening socket (the kernel hands each connection
 * to one waiter). One acceptor is what several connecting threads saturate first: its
 * accept queue overflows (TcpExtListenDrops), the dropped SYNs go again after the 1 s
 * initial RTO, and the host's own 4-thread rate, connect-4t's baseline, came out at
 * 54-100k/s with stalls instead of ~120k/s. A single connecting thread is better served
 * by one: a second acceptor, woken on the connecting thread's CPU inside its connect,
 * doubled that connect's p50 (7 -> 14 us) here.
 */
static int accept_loop(struct sockaddr_in *sa, const char *target, int threads) {
    int one = 1;
    /* Threads share this frame's s: accept_thread below never returns. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return die("socket", target);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s, (struct sockaddr *) sa, sizeof(*sa)) < 0) return die("bind", target);
    if (listen(s, 4096) < 0) return die("listen", target);
    for (int i = 1; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, accept_thread, &s) != 0) return die("pthread_create", target);
    }
    accept_thread(&s);
    return 1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* One connecting thread: socket, connect, setsockopt(SO_LINGER), close until `end`. */
struct connector {
    const struct sockaddr_in *sa;
    double end;
    double *lat;
    long max, n;
    int err;
};

static void *connect_thread(void *arg) {
    struct connector *c = arg;
    /* RST on close (linger 0): no TIME_WAIT on the client, so the loop does not run out of
       ephemeral ports within a few seconds at tens of thousands of connections a second. */
    struct linger rst = {1, 0};
    while (c->n < c->max) {
        double t0 = now();
        if (t0 >= c->end) break;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (const struct sockaddr *) c->sa, sizeof(*c->sa)) < 0) {
            c->err = errno;
            if (s >= 0) close(s);
            break;
        }
        c->lat[c->n++] = now() - t0;
        setsockopt(s, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
        close(s);
    }
    return NULL;
}

/*
 * Threads start together and run for the same time; rate is the sum of all of them. A
 * warm-up first runs the same loop uncounted: a bypass agent in a JVM that started with the
 * container compiles its path during the first seconds (jnerd bench measures the path, not
 * the JIT).
 */
static int connect_loop(struct sockaddr_in *sa, const char *target, double seconds, int threads, double warmup) {
    struct connector c[64];
    pthread_t tid[64];
    long per = MAX_SAMPLES / threads, n = 0;
    double *lat = malloc(sizeof(double) * MAX_SAMPLES);
    if (lat == NULL) return die("malloc", "samples");
    if (warmup > 0) {
        double until = now() + warmup;
        for (int i = 0; i < threads; i++) {
            c[i] = (struct connector) {sa, until, lat + i * per, per, 0, 0};
            if (pthread_create(&tid[i], NULL, connect_thread, &c[i]) != 0) return die("pthread_create", target);
        }
        for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
        for (int i = 0; i < threads; i++) {
            if (c[i].err != 0) {
                errno = c[i].err;
                return die("connect", target);
            }
        }
    }
    double start = now();
    for (int i = 0; i < threads; i++) {
        c[i] = (struct connector) {sa, start + seconds, lat + i * per, per, 0, 0};
        if (pthread_create(&tid[i], NULL, connect_thread, &c[i]) != 0) return die("pthread_create", target);
    }
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    double elapsed = now() - start;
    for (int i = 0; i < threads; i++) {
        if (c[i].err != 0) {
            errno = c[i].err;
            return die("connect", target);
        }
        memmove(lat + n, c[i].lat, sizeof(double) * c[i].n);
        n += c[i].n;
    }
    qsort(lat, n, sizeof(double), cmp_double);
    printf("connects=%ld threads=%d seconds=%.3f rate=%.1f p50_us=%.1f p99_us=%.1f\n", n, threads, elapsed, n / elapsed,
           n ? lat[n / 2] * 1e6 : 0.0, n ? lat[(long) (n * 0.99)] * 1e6 : 0.0);
    return n > 0 ? 0 : 1;
}

static int sockopt_loop(double seconds) {
    long n = 0;
    int one = 1;
    double start = now(), end = start + seconds, t = start;
    while (t < end) {
        /* 1,000 rounds between clock reads keep the clock out of the measurement. */
        for (int i = 0; i < 1000; i++, n++) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (s < 0) return die("socket", "AF_INET");
            if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) return die("setsockopt", "TCP_NODELAY");
            if (fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK) < 0) return die("fcntl", "F_SETFL");
            if (close(s) < 0) return die("close", "socket");
        }
        t = now();
    }
    printf("ops=%ld seconds=%.3f rate=%.1f\n", n, t - start, n / (t - start));
    return 0;
}

/*
 * True when the connection stays open for a moment: a user-mode forwarder (slirp4netns,
 * pasta) accepts on the published host port at once, before the server in the container
 * listens, and then closes the accepted connection when its own connect into the container
 * is refused. A server that waits for its client to speak first (iperf3, redis) sends
 * nothing, so a quiet, open connection means the server itself took it.
 */
static int stays_open(int s) {
    struct pollfd p = {s, POLLIN, 0};
    if (poll(&p, 1, 300) == 0) return 1;
    char byte;
    return recv(s, &byte, 1, MSG_DONTWAIT) > 0;
}

static int wait_accepting(struct sockaddr_in *sa, const char *target, double seconds) {
    double end = now() + seconds;
    struct timespec pause = {0, 50 * 1000 * 1000};
    for (;;) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) return die("socket", target);
        int ready = connect(s, (struct sockaddr *) sa, sizeof(*sa)) == 0 && stays_open(s);
        close(s);
        if (ready) return 0;
        if (now() >= end) return die("nothing accepts on", target);
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in sa;
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "accept") == 0) {
        int threads = argc == 5 ? atoi(argv[4]) : 1;
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        if (threads < 1 || threads > 64) {
            fprintf(stderr, "netbench: THREADS must be 1 to 64, not %s\n", argv[4]);
            return 2;
        }
        return accept_loop(&sa, argv[2], threads);
    }
    if (argc >= 5 && argc <= 7 && strcmp(argv[1], "connect") == 0) {
        int threads = argc >= 6 ? atoi(argv[5]) : 1;
        double warmup = argc == 7 ? atof(argv[6]) : 0;
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        if (threads < 1 || threads > 64) {
            fprintf(stderr, "netbench: THREADS must be 1 to 64, not %s\n", argv[5]);
            return 2;
        }
        if (warmup < 0 || warmup > 600) {
            fprintf(stderr, "netbench: WARMUP must be 0 to 600 seconds, not %s\n", argv[6]);
            return 2;
        }
        return connect_loop(&sa, argv[2], atof(argv[4]), threads, warmup);
    }
    if (argc == 5 && strcmp(argv[1], "wait") == 0) {
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        return wait_accepting(&sa, argv[2], atof(argv[4]));
    }
    if (argc == 3 && strcmp(argv[1], "sockopt") == 0) {
        return sockopt_loop(atof(argv[2]));
    }
    fprintf(stderr, "usage: netbench accept ADDR PORT [THREADS] | connect ADDR PORT SECONDS [THREADS [WARMUP]] | wait ADDR PORT SECONDS | sockopt SECONDS\n");
    return 2;
}
