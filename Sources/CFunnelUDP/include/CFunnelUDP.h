#ifndef C_FUNNEL_UDP_H
#define C_FUNNEL_UDP_H

#include <stddef.h>

/// Blocks until a datagram arrives on `fd`, then takes up to `count` datagrams already waiting, without blocking
/// again, each into its own `slot_bytes`-byte slot of `buffer`; their lengths go to `lengths`. Returns how many
/// were read, 0 once the socket is shut down for reading, or -1 with errno set (EAGAIN after SO_RCVTIMEO).
/// Linux reads them in one recvmmsg(2) call; elsewhere one datagram per call.
int funnel_udp_receive(int fd, void *buffer, size_t slot_bytes, int count, size_t *lengths);

/// The local port `fd` is bound to, or -1 with errno set.
int funnel_udp_bound_port(int fd);

#endif
