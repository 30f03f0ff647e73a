/*
 * TLS load client in C on OpenSSL's libssl, so that the client of the TLS comparison is not the JDK's SSLSocket: TLS 1.3
 * only, TLS_AES_128_GCM_SHA256, the server's chain checked against the benchmark's development CA. One connection per
 * process (the harness starts several, each pinned to its own core with taskset, and adds their counts up).
 *
 * Usage: tls_load MODE HOST PORT CA_FILE WARMUP_MS DURATION_MS
 *   bulk       one connection; 64 KiB writes while at most 256 KiB are unanswered, every echoed byte read and checked
 *   pingpong   one connection; 64-byte messages one at a time, round trips in a histogram (100 ns buckets) for p50/p99
 *   handshake  connect, full handshake (no session is ever reused), one 1-byte echo, close_notify and close; repeated
 * Prints one line after the measured interval:
 *   RESULT bytes=<n> handshakes=<n> seconds=<s> cpu_ns=<client CPU in the interval> p50_us=<x> p99_us=<x>
 * A wrong echoed byte exits with status 3. Built at run time by run.sh: gcc -O2 -o tls_load tls_load.c -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define WINDOW (4 * CHUNK)
#define BUCKETS 1000000

static unsigned char pattern[CHUNK + 256];
static unsigned char buf[CHUNK];
static uint64_t hist[BUCKETS];
static uint64_t samples;
static struct sockaddr_in addr;
static SSL_CTX *ctx;

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

static void fail(const char *what) {
    fprintf(stderr, "tls_load: %s: %s\n", what, errno ? strerror(errno) : "");
    ERR_print_errors_fp(stderr);
    exit(1);
}

static void check(const unsigned char *got, uint64_t offset, size_t n) {
    if (memcmp(got, pattern + offset % 256, n) != 0) {
        fprintf(stderr, "tls_load: wrong byte echoed at offset %llu\n", (unsigned long long) offset);
        exit(3);
    }
}

/* A blocking connection with a completed handshake. */
static SSL *open_tls(int *fd_out) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0) fail("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval limit = {10, 0}; /* a server that stops answering fails the run instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) fail("handshake");
    *fd_out = fd;
    return ssl;
}

/* As openssl s_time does: close_notify, then an orderly close (the server sees a clean end, not a reset). */
static void close_tls(SSL *ssl, int fd) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
}

static void read_fully(SSL *ssl, unsigned char *dst, int n) {
    for (int got = 0; got < n;) {
        int r = SSL_read(ssl, dst + got, n - got);
        if (r <= 0) fail("read");
        got += r;
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
    if (argc != 7) {
        fprintf(stderr, "usage: tls_load bulk|pingpong|handshake HOST PORT CA_FILE WARMUP_MS DURATION_MS\n");
        return 2;
    }
    const char *mode = argv[1];
    uint64_t warmup = (uint64_t) atoll(argv[5]) * 1000000ull, duration = (uint64_t) atoll(argv[6]) * 1000000ull;
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < CHUNK + 256; i++) pattern[i] = (unsigned char) (i * 31 + 7);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) atoi(argv[3]));
    if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", argv[2]); return 2; }

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    if (SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") != 1) fail("ciphersuites");
    if (SSL_CTX_load_verify_locations(ctx, argv[4], NULL) != 1) fail("CA file");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); /* every handshake a full one */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);

    uint64_t measure_from = now_ns() + warmup, end = measure_from + duration, cpu_at_start = 0;
    uint64_t bytes = 0, bytes_at_start = 0, handshakes = 0, handshakes_at_start = 0;
    int measuring = 0;
#define TICK()                                                                                                         \
    do {                                                                                                               \
        uint64_t t_ = now_ns();                                                                                        \
        if (!measuring && t_ >= measure_from) {                                                                        \
            measuring = 1;                                                                                             \
            measure_from = t_;                                                                                         \
            cpu_at_start = cpu_ns();                                                                                   \
            bytes_at_start = bytes;                                                                                    \
            handshakes_at_start = handshakes;                                                                          \
            samples = 0;                                                                                               \
            memset(hist, 0, sizeof hist);                                                                              \
        }                                                                                                              \
        if (t_ >= end) goto done;                                                                                      \
    } while (0)

    if (strcmp(mode, "handshake") == 0) {
        unsigned char one[1] = {pattern[0]};
        for (;;) {
            TICK();
            int fd;
            SSL *ssl = open_tls(&fd);
            if (SSL_write(ssl, one, 1) != 1) fail("write");
            read_fully(ssl, buf, 1);
            check(buf, 0, 1);
            handshakes++;
            close_tls(ssl, fd);
        }
    } else if (strcmp(mode, "pingpong") == 0) {
        int fd;
        SSL *ssl = open_tls(&fd);
        for (;;) {
            TICK();
            uint64_t t0 = now_ns();
            if (SSL_write(ssl, pattern + bytes % 256, 64) != 64) fail("write");
            read_fully(ssl, buf, 64);
            uint64_t b = (now_ns() - t0) / 100;
            hist[b < BUCKETS ? b : BUCKETS - 1]++;
            samples++;
            check(buf, bytes, 64);
            bytes += 64;
        }
    } else if (strcmp(mode, "bulk") == 0) {
        int fd;
        SSL *ssl = open_tls(&fd);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        uint64_t sent = 0;
        for (;;) {
            TICK();
            int progressed = 0, want_write = 0;
            if (sent - bytes < WINDOW) {
                size_t n = WINDOW - (sent - bytes);
                if (n > CHUNK) n = CHUNK;
                int w = SSL_write(ssl, pattern + sent % 256, (int) n);
                if (w > 0) {
                    sent += (uint64_t) w;
                    progressed = 1;
                } else {
                    int e = SSL_get_error(ssl, w);
                    if (e == SSL_ERROR_WANT_WRITE) want_write = 1;
                    else if (e != SSL_ERROR_WANT_READ) fail("write");
                }
            }
            for (;;) {
                int r = SSL_read(ssl, buf, CHUNK);
                if (r <= 0) {
                    int e = SSL_get_error(ssl, r);
                    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
                    fail("read");
                }
                check(buf, bytes, (size_t) r);
                bytes += (uint64_t) r;
                progressed = 1;
            }
            if (!progressed) {
                struct pollfd p = {.fd = fd, .events = POLLIN | (want_write ? POLLOUT : 0)};
                poll(&p, 1, 10);
            }
        }
    } else {
        fprintf(stderr, "unknown mode %s (bulk, pingpong or handshake)\n", mode);
        return 2;
    }
done:
    printf("RESULT bytes=%llu handshakes=%llu seconds=%.6f cpu_ns=%llu p50_us=%.1f p99_us=%.1f\n",
           (unsigned long long) (bytes - bytes_at_start), (unsigned long long) (handshakes - handshakes_at_start),
           (now_ns() - measure_from) / 1e9, (unsigned long long) (cpu_ns() - cpu_at_start), percentile(50),
           percentile(99));
    fflush(stdout);
    return 0;
}
