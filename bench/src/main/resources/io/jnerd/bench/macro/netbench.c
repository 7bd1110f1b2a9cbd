/*
 * netbench: the small socket client and server of `jnerd bench`, compiled with gcc at
 * bench time (static, so it runs in a busybox image). Busybox's nc forks per connection and
 * Java would need a JVM in the image, so neither can measure connect rates honestly.
 *
 *   netbench accept  ADDR PORT          accept and close connections until killed
 *   netbench connect ADDR PORT SECONDS  connect+close in a loop; prints rate and latency
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

static int accept_loop(struct sockaddr_in *sa, const char *target) {
    int one = 1;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return die("socket", target);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s, (struct sockaddr *) sa, sizeof(*sa)) < 0) return die("bind", target);
    if (listen(s, 4096) < 0) return die("listen", target);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c >= 0) close(c);
        else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE) return die("accept", target);
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static int connect_loop(struct sockaddr_in *sa, const char *target, double seconds) {
    double *lat = malloc(sizeof(double) * MAX_SAMPLES);
    long n = 0;
    /* RST on close (linger 0): no TIME_WAIT on the client, so the loop does not run out of
       ephemeral ports within a few seconds at tens of thousands of connections a second. */
    struct linger rst = {1, 0};
    double start = now(), end = start + seconds;
    if (lat == NULL) return die("malloc", "samples");
    while (n < MAX_SAMPLES) {
        double t0 = now();
        if (t0 >= end) break;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) return die("socket", target);
        if (connect(s, (struct sockaddr *) sa, sizeof(*sa)) < 0) return die("connect", target);
        lat[n++] = now() - t0;
        setsockopt(s, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
        close(s);
    }
    double elapsed = now() - start;
    qsort(lat, n, sizeof(double), cmp_double);
    printf("connects=%ld seconds=%.3f rate=%.1f p50_us=%.1f p99_us=%.1f\n", n, elapsed, n / elapsed,
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
    if (argc == 4 && strcmp(argv[1], "accept") == 0) {
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        return accept_loop(&sa, argv[2]);
    }
    if (argc == 5 && strcmp(argv[1], "connect") == 0) {
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        return connect_loop(&sa, argv[2], atof(argv[4]));
    }
    if (argc == 5 && strcmp(argv[1], "wait") == 0) {
        if (parse_addr(argv[2], argv[3], &sa) < 0) return die("bad address", argv[2]);
        return wait_accepting(&sa, argv[2], atof(argv[4]));
    }
    if (argc == 3 && strcmp(argv[1], "sockopt") == 0) {
        return sockopt_loop(atof(argv[2]));
    }
    fprintf(stderr, "usage: netbench accept ADDR PORT | connect ADDR PORT SECONDS | wait ADDR PORT SECONDS | sockopt SECONDS\n");
    return 2;
}
