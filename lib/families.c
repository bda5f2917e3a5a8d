// SPDX-License-Identifier: GPL-2.0-only
/* Socket address family names (see families.h), as <linux/socket.h> numbers them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "families.h"
#include "names.h"

static const char *const names[] = {
	[1] = "AF_UNIX",	[2] = "AF_INET",	 [3] = "AF_AX25",     [4] = "AF_IPX",
	[5] = "AF_APPLETALK",	[6] = "AF_NETROM",	 [7] = "AF_BRIDGE",   [8] = "AF_ATMPVC",
	[9] = "AF_X25",		[10] = "AF_INET6",	 [11] = "AF_ROSE",    [12] = "AF_DECnet",
	[13] = "AF_NETBEUI",	[14] = "AF_SECURITY",	 [15] = "AF_KEY",     [16] = "AF_NETLINK",
	[17] = "AF_PACKET",	[18] = "AF_ASH",	 [19] = "AF_ECONET",  [20] = "AF_ATMSVC",
	[21] = "AF_RDS",	[22] = "AF_SNA",	 [23] = "AF_IRDA",    [24] = "AF_PPPOX",
	[25] = "AF_WANPIPE",	[26] = "AF_LLC",	 [27] = "AF_IB",      [28] = "AF_MPLS",
	[29] = "AF_CAN",	[30] = "AF_TIPC",	 [31] = "AF_BLUETOOTH", [32] = "AF_IUCV",
	[33] = "AF_RXRPC",	[34] = "AF_ISDN",	 [35] = "AF_PHONET",  [36] = "AF_IEEE802154",
	[37] = "AF_CAIF",	[38] = "AF_ALG",	 [39] = "AF_NFC",     [40] = "AF_VSOCK",
	[41] = "AF_KCM",	[42] = "AF_QIPCRTR",	 [43] = "AF_SMC",     [44] = "AF_XDP",
	[45] = "AF_MCTP",
};

const char *eu_family_name(int af, char *buf, size_t size)
{
	const char *name = EU_NAME_OF(names, af, NULL);

	if (name)
		return name;
	snprintf(buf, size, "AF_%d", af);
	return buf;
}

int eu_family_from_name(const char *name)
{
	int af = EU_NAME_FIND(names, 1, name);
	char *end;
	long v;

	if (af > 0)
		return af;
	if (strncmp(name, "AF_", 3) || name[3] < '0' || name[3] > '9')
		return -1;
	v = strtol(name + 3, &end, 10);
	return *end || v <= 0 || v >= EU_FAMILY_MAX ? -1 : (int)v;
}
