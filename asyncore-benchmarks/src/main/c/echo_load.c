/*
 * Closed-loop TCP echo load client in C: one process, one thread, one epoll loop over CONNS connections, each keeping
 * WINDOW messages of SIZE bytes in flight (a new message goes out for each one echoed back in full). Every echoed byte is
 * compared with what was sent (a fixed pattern from the connection's stream offset); a wrong byte exits with status 3.
 * With WINDOW 1 the round trip of every message goes into a histogram (100 ns buckets up to 100 ms) for p50/p99.
 * The harness starts several of these, each pinned to its own core with taskset, and adds their counts up.
 *
 * Usage: echo_load HOST PORT CONNS WINDOW SIZE WARMUP_MS DURATION_MS
 * Prints one line after the measured interval:
 *   RESULT msgs=<n> bytes=<n> seconds=<s> cpu_ns=<client CPU in the interval> p50_us=<x> p99_us=<x>
 * Built at run time by run.sh: gcc -O2 -o echo_load echo_load.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define BUCKETS 1000000 /* 100 ns each: up to 100 ms */

struct conn {
    int fd;
    uint64_t sent;       /* bytes written */
    uint64_t received;   /* bytes echoed back and verified */
    uint64_t sent_at;    /* when the message in flight went out (WINDOW 1 only) */
    int want_out;
};

static unsigned char pattern[CHUNK + 256];
static unsigned char buf[CHUNK];
static uint64_t *hist;
static uint64_t samples;
static int window, size, epfd;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + (uint64_t) t.tv_nsec;
}

static uint64_t cpu_ns(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return ((uint64_t) r.ru_utime.tv_sec + (uint64_t) r.ru_stime.tv_sec) * 1000000000ull
            + ((uint64_t) r.ru_utime.tv_usec + (uint64_t) r.ru_stime.tv_usec) * 1000ull;
}

static void want_out(struct conn *c, int on) {
    if (c->want_out == on) return;
    c->want_out = on;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes until WINDOW whole messages are in flight again; returns -1 on a broken connection. */
static int top_up(struct conn *c) {
    uint64_t target = (c->received / (uint64_t) size) * (uint64_t) size + (uint64_t) window * (uint64_t) size;
    while (c->sent < target) {
        size_t n = target - c->sent;
        if (n > CHUNK) n = CHUNK;
        if (window == 1 && c->sent % (uint64_t) size == 0) c->sent_at = now_ns();
        ssize_t w = write(c->fd, pattern + c->sent % 256, n);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) { want_out(c, 1); return 0; }
            if (errno == EINTR) continue;
            return -1;
        }
        c->sent += (uint64_t) w;
    }
    want_out(c, 0);
    return 0;
}

static int on_readable(struct conn *c, uint64_t *received_total) {
    for (;;) {
        ssize_t n = read(c->fd, buf, CHUNK);
        if (n == 0) return -1;
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return top_up(c);
            if (errno == EINTR) continue;
            return -1;
        }
        if (memcmp(buf, pattern + c->received % 256, (size_t) n) != 0) {
            fprintf(stderr, "echo_load: wrong byte echoed at offset %llu\n", (unsigned long long) c->received);
            exit(3);
        }
        uint64_t before = c->received / (uint64_t) size;
        c->received += (uint64_t) n;
        *received_total += (uint64_t) n;
        if (window == 1 && c->received / (uint64_t) size > before && hist != NULL) {
            uint64_t b = (now_ns() - c->sent_at) / 100;
            hist[b < BUCKETS ? b : BUCKETS - 1]++;
            samples++;
        }
        if (n < CHUNK) return top_up(c);
    }
}

static double percentile(double p) {
    if (samples == 0) return -1;
    uint64_t want = (uint64_t) (samples * p / 100.0), seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
        seen += hist[i];
        if (seen > want) return (i + 0.5) / 10.0;
    }
    return BUCKETS / 10.0;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: echo_load HOST PORT CONNS WINDOW SIZE WARMUP_MS DURATION_MS\n");
        return 2;
    }
    int conns = atoi(argv[3]);
    window = atoi(argv[4]);
    size = atoi(argv[5]);
    uint64_t warmup = (uint64_t) atoll(argv[6]) * 1000000ull, duration = (uint64_t) atoll(argv[7]) * 1000000ull;
    if (conns < 1 || window < 1 || size < 1) { fprintf(stderr, "CONNS, WINDOW and SIZE must be positive\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < CHUNK + 256; i++) pattern[i] = (unsigned char) (i * 31 + 7);
    if (window == 1) hist = calloc(BUCKETS, sizeof *hist);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", argv[1]); return 2; }
    epfd = epoll_create1(0);
    struct conn *cs = calloc((size_t) conns, sizeof *cs);
    int one = 1;
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) { perror("connect"); return 1; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) { perror("fcntl"); return 1; }
        cs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
        if (top_up(&cs[i]) < 0) { perror("write"); return 1; }
    }

    uint64_t received = 0, start = now_ns(), measure_from = start + warmup, end = measure_from + duration;
    uint64_t received_at_start = 0, cpu_at_start = 0;
    int measuring = 0;
    struct epoll_event events[256];
    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            received_at_start = received;
            cpu_at_start = cpu_ns();
            samples = 0;
            if (hist != NULL) memset(hist, 0, BUCKETS * sizeof *hist);
            measure_from = t;
        }
        if (t >= end) break;
        int n = epoll_wait(epfd, events, 256, 10);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            int rc = (events[i].events & EPOLLOUT) ? top_up(c) : 0;
            if (rc == 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) rc = on_readable(c, &received);
            if (rc < 0) { fprintf(stderr, "echo_load: connection lost: %s\n", strerror(errno)); return 1; }
        }
    }
    uint64_t stop = now_ns();
    uint64_t bytes = received - received_at_start;
    printf("RESULT msgs=%llu bytes=%llu seconds=%.6f cpu_ns=%llu p50_us=%.1f p99_us=%.1f\n",
           (unsigned long long) (bytes / (uint64_t) size), (unsigned long long) bytes, (stop - measure_from) / 1e9,
           (unsigned long long) (cpu_ns() - cpu_at_start), percentile(50), percentile(99));
    fflush(stdout);
    for (int i = 0; i < conns; i++) {
        struct linger l = {1, 0}; /* RST: no TIME_WAIT piles up between rounds */
        setsockopt(cs[i].fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(cs[i].fd);
    }
    return 0;
}
