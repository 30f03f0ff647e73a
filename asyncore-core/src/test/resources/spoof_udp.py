"""Sends UDP datagrams with a forged IPv4 source through a raw socket: spoof_udp.py SRC SPORT DST DPORT COUNT.

Exits 77 when raw sockets are not allowed (the test then skips)."""
import socket
import struct
import sys


def main():
    src, sport, dst, dport, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    except PermissionError:
        sys.exit(77)
    payload = b"spoofed"
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    packet = ip + udp
    with raw:
        for _ in range(count):
            raw.sendto(packet, (dst, 0))


main()
