#ifndef CNFTABLES_SHIM_H
#define CNFTABLES_SHIM_H
/* libnftables: nft_ctx, nft_run_cmd_from_buffer and the buffered output/error API.
   The header defines _GNU_SOURCE itself; nothing else is needed here. */
#include <nftables/libnftables.h>
#endif
