/*
 * Single-threaded, level-triggered epoll echo server: the practical limit of one event loop.
 *
 * Usage: epoll_echo PORT   (0 = any free port). Prints "PORT <n>" on stdout once listening.
 * Reads into one shared 64 KiB buffer and writes straight back; only bytes the kernel would not take
 * are copied to a per-connection pending buffer, and reading from that connection stops until they are sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define MAX_EVENTS 256

struct conn {
    int fd;
    char *pending;   /* bytes not yet written back, or NULL */
    size_t plen;     /* number of pending bytes */
    size_t poff;     /* offset of the first unsent pending byte */
    size_t pcap;
};

static int epfd;
static char buf[BUF_SIZE];

static void drop(struct conn *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

static int set_events(struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    return epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Returns 0 to keep the connection, -1 to drop it. */
static int flush_pending(struct conn *c) {
    while (c->poff < c->plen) {
        ssize_t w = write(c->fd, c->pending + c->poff, c->plen - c->poff);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        c->poff += (size_t) w;
    }
    c->plen = 0;
    c->poff = 0;
    return set_events(c, EPOLLIN);
}

static int on_readable(struct conn *c) {
    for (;;) {
        ssize_t n = read(c->fd, buf, BUF_SIZE);
        if (n == 0) {
            return -1;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        size_t off = 0;
        while (off < (size_t) n) {
            ssize_t w = write(c->fd, buf + off, (size_t) n - off);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    return -1;
                }
                size_t rest = (size_t) n - off;
                if (c->pcap < rest) {
                    free(c->pending);
                    c->pending = malloc(BUF_SIZE);
                    if (c->pending == NULL) {
                        return -1;
                    }
                    c->pcap = BUF_SIZE;
                }
                memcpy(c->pending, buf + off, rest);
                c->plen = rest;
                c->poff = 0;
                return set_events(c, EPOLLOUT);
            }
            off += (size_t) w;
        }
        if (n < BUF_SIZE) {
            return 0;
        }
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(lfd, 128) < 0) {
        perror("bind/listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(lfd, (struct sockaddr *) &addr, &alen);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    epfd = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) {
                        break;
                    }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            int rc;
            if (events[i].events & EPOLLOUT) {
                rc = flush_pending(c);
            } else {
                rc = on_readable(c);
            }
            if (rc < 0) {
                drop(c);
            }
        }
    }
}
