/*
 * mysqlha-client: hands one agent action to the node service (mysqlhad) and relays its answer.
 *
 *   mysqlha-client SOCKET ARG...
 *
 * Sends the arguments and the part of the environment Pacemaker gave the agent (OCF_*, HA_*, CRM_meta_*,
 * and the project's own MYSQLHA_* settings) over the service's Unix socket, then copies the service's
 * standard output and error frames to its own and exits with the action's exit code.
 *
 * Exit code 250 means "the service did not accept the request": no socket, connection refused, or the
 * connection closed before the service said it accepted it. Nothing ran; the shim then runs the action
 * in a fresh JVM. Once the service has accepted (frame 'A'), this never exits 250: if the service ends
 * before the exit frame, the action failed (OCF_ERR_GENERIC) and must not be run a second time.
 *
 * Protocol (version 1). Request: "MYSQLHA1", the caller's pid, the argument count, the arguments, then
 * NAME=VALUE environment entries, each NUL-terminated, ended by an empty string. Answer: frames of one
 * type byte ('A' accepted, 'O' stdout, 'E' stderr, 'X' exit code as decimal text), a 4-byte big-endian
 * length, then that many bytes.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NOT_ACCEPTED 250
#define OCF_ERR_GENERIC 1

extern char **environ;

static char *buf;
static size_t len, cap;

static void put(const char *s, size_t n) {
    if (len + n > cap) {
        size_t c = cap ? cap : 8192;
        while (c < len + n) c *= 2;
        char *b = realloc(buf, c);
        if (!b) { fputs("mysqlha-client: out of memory\n", stderr); exit(NOT_ACCEPTED); }
        buf = b;
        cap = c;
    }
    memcpy(buf + len, s, n);
    len += n;
}

static void put_str(const char *s) { put(s, strlen(s) + 1); }

static int passed(const char *e) {
    return !strncmp(e, "OCF_", 4) || !strncmp(e, "HA_", 3) || !strncmp(e, "CRM_meta_", 9)
        || !strncmp(e, "MYSQLHA_", 8);
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; returns 0 on success, -1 on EOF or error. */
static int read_all(int fd, char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fputs("usage: mysqlha-client SOCKET ARG...\n", stderr);
        return NOT_ACCEPTED;
    }
    /* a service that closes early must not kill us before we can report it */
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof sa.sun_path) return NOT_ACCEPTED;
    strcpy(sa.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) return NOT_ACCEPTED;

    char num[32];
    put_str("MYSQLHA1");
    snprintf(num, sizeof num, "%ld", (long)getppid());
    put_str(num);
    snprintf(num, sizeof num, "%d", argc - 2);
    put_str(num);
    for (int i = 2; i < argc; i++) put_str(argv[i]);
    for (char **e = environ; *e; e++) {
        if (passed(*e)) put_str(*e);
    }
    put_str("");
    if (write_all(fd, buf, len) != 0) return NOT_ACCEPTED;
    shutdown(fd, SHUT_WR);

    int accepted = 0;
    char head[5];
    static char payload[65536];
    for (;;) {
        if (read_all(fd, head, 5) != 0) break;
        uint32_t n = ((uint32_t)(unsigned char)head[1] << 24) | ((uint32_t)(unsigned char)head[2] << 16)
                   | ((uint32_t)(unsigned char)head[3] << 8) | (uint32_t)(unsigned char)head[4];
        if (n >= sizeof payload || read_all(fd, payload, n) != 0) break;
        payload[n] = 0;
        switch (head[0]) {
        case 'A':
            accepted = 1;
            break;
        case 'O':
            write_all(1, payload, n);
            break;
        case 'E':
            write_all(2, payload, n);
            break;
        case 'X':
            return atoi(payload);
        default:
            break;
        }
    }
    if (!accepted) return NOT_ACCEPTED;
    fprintf(stderr, "ocf-exit-reason:the node service ended during the action (not run again: see its log)\n");
    return OCF_ERR_GENERIC;
}
