#define _GNU_SOURCE
#include "CParleySockets.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PARLEY_MAX_BATCH 1024
#define PARLEY_CONTROL_BYTES (CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(struct timespec)))

int parley_udp_open(uint32_t address, uint16_t port, int receive_buffer, int send_buffer) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int on = 1;
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
    if (receive_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    if (send_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof(send_buffer));
    struct sockaddr_in local;
    memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = address;
    local.sin_port = port;
    if (bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int parley_udp_port(int fd) {
    struct sockaddr_in local;
    socklen_t length = sizeof(local);
    if (getsockname(fd, (struct sockaddr *)&local, &length) != 0) return -errno;
    return ntohs(local.sin_port);
}

int parley_udp_send_batch(int fd, parley_datagram *datagrams, int count) {
    struct mmsghdr headers[PARLEY_MAX_BATCH];
    struct iovec vectors[PARLEY_MAX_BATCH];
    struct sockaddr_in peers[PARLEY_MAX_BATCH];
    static __thread char control[PARLEY_MAX_BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
    int sent_total = 0;
    while (count > 0) {
        int batch = count < PARLEY_MAX_BATCH ? count : PARLEY_MAX_BATCH;
        memset(headers, 0, sizeof(struct mmsghdr) * batch);
        for (int i = 0; i < batch; i++) {
            parley_datagram *d = &datagrams[i];
            vectors[i].iov_base = d->data;
            vectors[i].iov_len = d->length;
            memset(&peers[i], 0, sizeof(peers[i]));
            peers[i].sin_family = AF_INET;
            peers[i].sin_addr.s_addr = d->address;
            peers[i].sin_port = d->port;
            headers[i].msg_hdr.msg_name = &peers[i];
            headers[i].msg_hdr.msg_namelen = sizeof(peers[i]);
            headers[i].msg_hdr.msg_iov = &vectors[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            if (d->local != 0) {
                memset(control[i], 0, sizeof(control[i]));
                headers[i].msg_hdr.msg_control = control[i];
                headers[i].msg_hdr.msg_controllen = sizeof(control[i]);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&headers[i].msg_hdr);
                cm->cmsg_level = IPPROTO_IP;
                cm->cmsg_type = IP_PKTINFO;
                cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
                struct in_pktinfo *info = (struct in_pktinfo *)CMSG_DATA(cm);
                info->ipi_spec_dst.s_addr = d->local;
            }
        }
        int sent = sendmmsg(fd, headers, batch, 0);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return sent_total;
            return sent_total > 0 ? sent_total : -errno;
        }
        sent_total += sent;
        if (sent < batch) return sent_total;
        datagrams += batch;
        count -= batch;
    }
    return sent_total;
}

int parley_udp_receive_batch(int fd, parley_datagram *datagrams, int count) {
    struct mmsghdr headers[PARLEY_MAX_BATCH];
    struct iovec vectors[PARLEY_MAX_BATCH];
    struct sockaddr_in peers[PARLEY_MAX_BATCH];
    static __thread char control[PARLEY_MAX_BATCH][PARLEY_CONTROL_BYTES];
    if (count > PARLEY_MAX_BATCH) count = PARLEY_MAX_BATCH;
    memset(headers, 0, sizeof(struct mmsghdr) * count);
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = datagrams[i].data;
        vectors[i].iov_len = datagrams[i].capacity;
        headers[i].msg_hdr.msg_name = &peers[i];
        headers[i].msg_hdr.msg_namelen = sizeof(peers[i]);
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_control = control[i];
        headers[i].msg_hdr.msg_controllen = PARLEY_CONTROL_BYTES;
    }
    int received = recvmmsg(fd, headers, count, MSG_DONTWAIT, NULL);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -errno;
    }
    for (int i = 0; i < received; i++) {
        parley_datagram *d = &datagrams[i];
        d->length = headers[i].msg_len;
        d->address = peers[i].sin_addr.s_addr;
        d->port = peers[i].sin_port;
        d->local = 0;
        d->nanoseconds = 0;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&headers[i].msg_hdr); cm != NULL; cm = CMSG_NXTHDR(&headers[i].msg_hdr, cm)) {
            if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo *info = (struct in_pktinfo *)CMSG_DATA(cm);
                d->local = info->ipi_addr.s_addr;
            } else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec *ts = (struct timespec *)CMSG_DATA(cm);
                d->nanoseconds = (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
            }
        }
    }
    return received;
}

int parley_udp_wait(int fd, int64_t timeout_ns) {
    struct pollfd descriptor = {.fd = fd, .events = POLLIN, .revents = 0};
    struct timespec timeout = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
    if (timeout_ns < 0) { timeout.tv_sec = 0; timeout.tv_nsec = 0; }
    int ready = ppoll(&descriptor, 1, &timeout, NULL);
    if (ready < 0) return errno == EINTR ? 0 : -errno;
    return ready > 0 ? 1 : 0;
}

int64_t parley_realtime_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
}

void parley_sleep_until_ns(int64_t deadline_ns) {
    struct timespec deadline = {.tv_sec = deadline_ns / 1000000000LL, .tv_nsec = deadline_ns % 1000000000LL};
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &deadline, NULL) == EINTR) {}
}
