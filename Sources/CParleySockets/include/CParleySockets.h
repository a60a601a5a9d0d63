// Batched UDP I/O for the load generator: sendmmsg/recvmmsg with per-packet source address
// (IP_PKTINFO) and kernel receive timestamps (SO_TIMESTAMPNS), which Swift's Glibc module
// does not import (mmsghdr needs _GNU_SOURCE; CMSG_* are macros).
#ifndef C_PARLEY_SOCKETS_H
#define C_PARLEY_SOCKETS_H

#include <stdint.h>
#include <stddef.h>

/// One datagram of a batch. `address` is the peer (IPv4, network byte order), `local` the
/// local address it was sent to or is sent from (IP_PKTINFO), `nanoseconds` the kernel's
/// receive time (CLOCK_REALTIME) or 0 when unknown.
typedef struct {
    uint8_t *data;
    uint32_t capacity;
    uint32_t length;
    uint32_t address;
    uint16_t port;
    uint32_t local;
    int64_t nanoseconds;
} parley_datagram;

/// A UDP socket bound to `address:port` (network byte order; port 0 picks one) with
/// IP_PKTINFO and SO_TIMESTAMPNS on, non-blocking. Returns the descriptor or -errno.
int parley_udp_open(uint32_t address, uint16_t port, int receive_buffer, int send_buffer);

/// The bound port (host order), or -errno.
int parley_udp_port(int fd);

/// Sends `count` datagrams in one sendmmsg; each from its `local` address (0: the kernel
/// picks). Returns how many were sent, or -errno.
int parley_udp_send_batch(int fd, parley_datagram *datagrams, int count);

/// Receives up to `count` datagrams without blocking. Returns how many, 0 when none, or -errno.
int parley_udp_receive_batch(int fd, parley_datagram *datagrams, int count);

/// Waits up to `timeout_ns` for the socket to become readable. Returns 1, 0 on timeout, -errno.
int parley_udp_wait(int fd, int64_t timeout_ns);

/// CLOCK_REALTIME in nanoseconds (the clock SO_TIMESTAMPNS uses).
int64_t parley_realtime_ns(void);

/// Sleeps until CLOCK_REALTIME reaches `deadline_ns` (absolute).
void parley_sleep_until_ns(int64_t deadline_ns);

#endif
