#ifndef CLIBNL_SHIM_H
#define CLIBNL_SHIM_H
#include <sched.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/errno.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/vxlan.h>
/* setns/unshare/CLONE_NEWNET are hidden without _GNU_SOURCE, and defining _GNU_SOURCE here
   BREAKS the build (fd_set differs from SwiftGlibc's). Declare + wrap instead. */
extern int setns(int fd, int nstype);
extern int unshare(int flags);
static inline int sk_setns_net(int fd) { return setns(fd, 0x40000000 /* CLONE_NEWNET */); }
static inline int sk_unshare_net(void) { return unshare(0x40000000 /* CLONE_NEWNET */); }
/* syscall() is variadic -> unavailable in Swift */
#include <unistd.h>
#include <sys/syscall.h>
static inline int sk_gettid(void) { return (int)syscall(SYS_gettid); }
#endif
