/*
 * UDP echo server in C, the reference for the datagram comparison: one non-blocking socket on 127.0.0.1, one epoll loop
 * on one thread, recvfrom until EAGAIN and sendto each datagram back to its sender. Prints "PORT <n>" once bound and runs
 * until killed. Built by run-udp.sh: gcc -O2 -o udp_echo udp_echo.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) { perror("bind"); return 1; }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *) &addr, &len);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    static char buf[65536];
    for (;;) {
        struct epoll_event ready[1];
        int n = epoll_wait(ep, ready, 1, -1);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (;;) {
            struct sockaddr_in from;
            socklen_t fromlen = sizeof from;
            ssize_t got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fromlen);
            if (got < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) continue;
                perror("recvfrom");
                break;
            }
            sendto(fd, buf, (size_t) got, 0, (struct sockaddr *) &from, fromlen);
        }
    }
}
