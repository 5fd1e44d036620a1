#if defined(__linux__)
#define _GNU_SOURCE
#endif

#include "CFunnelUDP.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define FUNNEL_UDP_MAX_BATCH 64

int funnel_udp_receive(int fd, void *buffer, size_t slot_bytes, int count, size_t *lengths) {
    if (count < 1) { errno = EINVAL; return -1; }
#if defined(__linux__)
    if (count > FUNNEL_UDP_MAX_BATCH) count = FUNNEL_UDP_MAX_BATCH;
    struct mmsghdr messages[FUNNEL_UDP_MAX_BATCH];
    struct iovec slots[FUNNEL_UDP_MAX_BATCH];
    memset(messages, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        slots[i].iov_base = (char *)buffer + (size_t)i * slot_bytes;
        slots[i].iov_len = slot_bytes;
        messages[i].msg_hdr.msg_iov = &slots[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int received;
    do {
        received = recvmmsg(fd, messages, (unsigned int)count, MSG_WAITFORONE, NULL);
    } while (received < 0 && errno == EINTR);
    for (int i = 0; i < received; i++) lengths[i] = messages[i].msg_len;
    return received;
#else
    ssize_t received;
    do {
        received = recv(fd, buffer, slot_bytes, 0);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    if (received == 0) return 0;
    lengths[0] = (size_t)received;
    return 1;
#endif
}

int funnel_udp_bound_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    errno = EAFNOSUPPORT;
    return -1;
}
