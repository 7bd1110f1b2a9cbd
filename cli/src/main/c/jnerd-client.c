/*
 * jnerd-client: hands one jnerd command to the caller's warm `jnerd cli-server` (a JVM that
 * has already loaded and JIT-compiled jnerd), so a short command skips the JVM's start.
 *
 *   jnerd-client SOCKET LAUNCHER [ARG...]
 *
 * It connects to SOCKET, checks that the server runs as this user (SO_PEERCRED: a socket
 * another user put at that path gets neither our streams nor our environment), sends the
 * arguments and the environment with this process's stdin, stdout
 * and stderr attached (SCM_RIGHTS), forwards SIGINT, SIGTERM and SIGHUP to the server (which
 * hands them to the container as jnerd's own handlers would), and exits with the command's
 * exit code. When there is no server, or the server declines the command (one it runs only
 * in a process of its own), it execs LAUNCHER with the same arguments and JNERD_WARM=off,
 * which starts jnerd's JVM as before.
 *
 * Wire format, server side in io.jnerd.cli.warm.WarmRequest: a 4-byte big-endian length,
 * then that many bytes: "jnerd-warm-1\0", argc as decimal\0, each arg\0, each
 * NAME=VALUE of the environment\0. Frames after it, both ways, are one type byte and a
 * 4-byte big-endian int: client 's' SIGNO; server 'x' EXIT_CODE (last), 'f' 0 (declined).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

#define MAGIC "jnerd-warm-1"
/* The server refuses longer requests; no point sending them. */
#define MAX_REQUEST (1 << 20)

static int server = -1;
static volatile sig_atomic_t pending[65];

static void on_signal(int signo) {
    pending[signo] = 1;
}

/* Runs the launcher itself: the command goes to a JVM of its own. */
static void fallback(char **argv) {
    if (server >= 0) {
        close(server);
    }
    setenv("JNERD_WARM", "off", 1);
    execv(argv[2], argv + 2);
    fprintf(stderr, "jnerd: cannot run %s: %s\n", argv[2], strerror(errno));
    exit(125);
}

static int connect_server(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0
            || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != geteuid()) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Appends s and its NUL; returns 0 when the request would be too long. */
static int put(char *buf, size_t *at, const char *s) {
    size_t n = strlen(s) + 1;
    if (*at + n > MAX_REQUEST) {
        return 0;
    }
    memcpy(buf + *at, s, n);
    *at += n;
    return 1;
}

static size_t build_request(char *buf, int argc, char **argv) {
    char count[16];
    size_t at = 4;
    snprintf(count, sizeof count, "%d", argc - 3);
    if (!put(buf, &at, MAGIC) || !put(buf, &at, count)) {
        return 0;
    }
    for (int i = 3; i < argc; i++) {
        if (!put(buf, &at, argv[i])) {
            return 0;
        }
    }
    for (char **e = environ; *e != NULL; e++) {
        if (!put(buf, &at, *e)) {
            return 0;
        }
    }
    uint32_t length = (uint32_t) (at - 4);
    buf[0] = (char) (length >> 24);
    buf[1] = (char) (length >> 16);
    buf[2] = (char) (length >> 8);
    buf[3] = (char) length;
    return at;
}

/* The request's first bytes carry fds 0, 1 and 2; the rest follows as plain stream data. */
static int send_request(const char *buf, size_t length) {
    int fds[3] = {0, 1, 2};
    char control[CMSG_SPACE(sizeof fds)];
    memset(control, 0, sizeof control);
    struct iovec iov = {.iov_base = (void *) buf, .iov_len = length};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n = sendmsg(server, &msg, MSG_NOSIGNAL);
    if (n <= 0) {
        return 0;
    }
    for (size_t done = (size_t) n; done < length; done += (size_t) n) {
        n = send(server, buf + done, length - done, MSG_NOSIGNAL);
        if (n <= 0) {
            return 0;
        }
    }
    return 1;
}

static void forward_pending(void) {
    for (int signo = 1; signo < 65; signo++) {
        if (pending[signo]) {
            pending[signo] = 0;
            unsigned char frame[5] = {'s', 0, 0, 0, (unsigned char) signo};
            send(server, frame, sizeof frame, MSG_NOSIGNAL);
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: jnerd-client SOCKET LAUNCHER [ARG...]\n");
        return 125;
    }
    server = connect_server(argv[1]);
    if (server < 0) {
        fallback(argv);
    }
    char *request = malloc(MAX_REQUEST + 4);
    size_t length = request == NULL ? 0 : build_request(request, argc, argv);
    if (length == 0 || !send_request(request, length)) {
        fallback(argv);
    }
    free(request);

    /* No SA_RESTART: a signal interrupts recv, which then forwards it. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
        sigaction(forwarded[i], &sa, NULL);
    }

    unsigned char frame[5];
    size_t have = 0;
    while (have < sizeof frame) {
        forward_pending();
        ssize_t n = recv(server, frame + have, sizeof frame - have, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The server went away mid-command: the command's fate is unknown. */
            fprintf(stderr, "jnerd: the warm jnerd server closed the connection before the command ended\n");
            return 125;
        }
        have += (size_t) n;
        if (have == sizeof frame && frame[0] != 'x' && frame[0] != 'f') {
            have = 0; /* not ours to understand: a newer server's frame */
        }
    }
    if (frame[0] == 'f') {
        fallback(argv);
    }
    return frame[4];
}
