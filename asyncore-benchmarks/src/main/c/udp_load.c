/*
 * Closed-loop UDP echo load client in C: SOCKETS connected sockets, each keeping WINDOW datagrams of SIZE bytes in flight;
 * every echo that comes back is answered with a new datagram. Replies are taken with recvmmsg and the new datagrams sent
 * with sendmmsg (batches of up to 64), so that the client spends as little as it can per datagram. A socket whose replies
 * stop for 200 ms is refilled (UDP may drop). The harness starts several of these, each pinned to its own core with
 * taskset, and adds their counts up.
 *
 * Usage: udp_load HOST PORT SOCKETS WINDOW SIZE WARMUP_MS DURATION_MS
 * Prints one line after the measured interval: RESULT dgrams=<n> seconds=<s> cpu_ns=<client CPU in the interval>
 * Built at run time by run-udp.sh: gcc -O2 -o udp_load udp_load.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 2048
#define STALL_NS 200000000ull

static struct mmsghdr in_msgs[BATCH], out_msgs[BATCH];
static struct iovec in_iov[BATCH], out_iov[BATCH];
static char in_slots[BATCH][SLOT];
static char payload[SLOT];

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

static void send_n(int fd, int n) {
    int off = 0;
    while (off < n) {
        int sent = sendmmsg(fd, out_msgs + off, (unsigned) (n - off), 0);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return; /* full buffer or refused: the stall refill makes up for it */
        }
        off += sent;
    }
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: udp_load HOST PORT SOCKETS WINDOW SIZE WARMUP_MS DURATION_MS\n");
        return 2;
    }
    int sockets = atoi(argv[3]), window = atoi(argv[4]), size = atoi(argv[5]);
    uint64_t warmup = (uint64_t) atoll(argv[6]) * 1000000ull, duration = (uint64_t) atoll(argv[7]) * 1000000ull;
    if (sockets < 1 || window < 1 || size < 1 || size > SLOT) {
        fprintf(stderr, "SOCKETS and WINDOW must be positive, SIZE 1..%d\n", SLOT);
        return 2;
    }
    memset(payload, 'u', sizeof payload);
    for (int i = 0; i < BATCH; i++) {
        in_iov[i].iov_base = in_slots[i];
        in_iov[i].iov_len = SLOT;
        in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
        in_msgs[i].msg_hdr.msg_iovlen = 1;
        out_iov[i].iov_base = payload;
        out_iov[i].iov_len = (size_t) size;
        out_msgs[i].msg_hdr.msg_iov = &out_iov[i];
        out_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", argv[1]); return 2; }
    int ep = epoll_create1(0);
    int *fds = calloc((size_t) sockets, sizeof *fds);
    uint64_t *last = calloc((size_t) sockets, sizeof *last);
    for (int i = 0; i < sockets; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *) &addr, sizeof addr) < 0) { perror("connect"); return 1; }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
        for (int w = 0; w < window; w += BATCH) send_n(fds[i], window - w < BATCH ? window - w : BATCH);
        last[i] = now_ns();
    }
    uint64_t echoed = 0, echoed_at_start = 0, cpu_at_start = 0;
    uint64_t measure_from = now_ns() + warmup, end = measure_from + duration;
    int measuring = 0;
    struct epoll_event events[256];
    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            echoed_at_start = echoed;
            cpu_at_start = cpu_ns();
            measure_from = t;
        }
        if (t >= end) break;
        int n = epoll_wait(ep, events, 256, 10);
        for (int e = 0; e < n; e++) {
            int i = (int) events[e].data.u32;
            for (;;) {
                int got = recvmmsg(fds[i], in_msgs, BATCH, 0, NULL);
                if (got <= 0) break;
                echoed += (uint64_t) got;
                send_n(fds[i], got);
                if (got < BATCH) break;
            }
            last[i] = t;
        }
        for (int i = 0; i < sockets; i++) {
            if (t - last[i] > STALL_NS) {
                for (int w = 0; w < window; w += BATCH) send_n(fds[i], window - w < BATCH ? window - w : BATCH);
                last[i] = t;
            }
        }
    }
    uint64_t stop = now_ns();
    printf("RESULT dgrams=%llu seconds=%.6f cpu_ns=%llu\n", (unsigned long long) (echoed - echoed_at_start),
           (stop - measure_from) / 1e9, (unsigned long long) (cpu_ns() - cpu_at_start));
    fflush(stdout);
    return 0;
}
