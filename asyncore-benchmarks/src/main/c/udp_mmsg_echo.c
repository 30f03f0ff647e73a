/*
 * UDP echo server in C with recvmmsg/sendmmsg: the limit of one thread for the datagram comparison. One non-blocking
 * socket on 127.0.0.1, one epoll loop; each wake-up takes up to BATCH datagrams per recvmmsg call and sends them all back
 * to their senders with one sendmmsg call, until the socket is drained.
 *
 * Usage: udp_mmsg_echo [PORT] [BATCH]   (0 = any free port, batch 64 by default, at most 1024). Prints "PORT <n>" once
 * bound and runs until killed. Built at run time by run-udp.sh: gcc -O2 -o udp_mmsg_echo udp_mmsg_echo.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define SLOT 2048 /* bytes per datagram slot: the comparison sends small datagrams */

static struct mmsghdr msgs[MAX_BATCH];
static struct iovec iovs[MAX_BATCH];
static struct sockaddr_in peers[MAX_BATCH];
static char slots[MAX_BATCH][SLOT];

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int batch = argc > 2 ? atoi(argv[2]) : 64;
    if (batch < 1 || batch > MAX_BATCH) {
        fprintf(stderr, "batch must be 1..%d\n", MAX_BATCH);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) { perror("bind"); return 1; }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *) &addr, &len);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    for (;;) {
        struct epoll_event ready[1];
        int n = epoll_wait(ep, ready, 1, -1);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (;;) {
            for (int i = 0; i < batch; i++) {
                iovs[i].iov_base = slots[i];
                iovs[i].iov_len = SLOT;
                msgs[i].msg_hdr.msg_iov = &iovs[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
                msgs[i].msg_hdr.msg_name = &peers[i];
                msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
                msgs[i].msg_hdr.msg_control = NULL;
                msgs[i].msg_hdr.msg_controllen = 0;
                msgs[i].msg_hdr.msg_flags = 0;
            }
            int got = recvmmsg(fd, msgs, (unsigned) batch, 0, NULL);
            if (got < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) continue;
                perror("recvmmsg");
                break;
            }
            for (int i = 0; i < got; i++) {
                iovs[i].iov_len = msgs[i].msg_len; /* send back exactly what came in */
            }
            int off = 0;
            while (off < got) {
                int sent = sendmmsg(fd, msgs + off, (unsigned) (got - off), 0);
                if (sent < 0) {
                    if (errno == EINTR) continue;
                    break; /* a full send buffer drops the rest, as a datagram server may */
                }
                off += sent;
            }
            if (got < batch) break;
        }
    }
}
