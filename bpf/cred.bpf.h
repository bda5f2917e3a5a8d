/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Credentials in capability checks, shared by learn and monitor: which
 * capability checks are about the task's own privileges.
 */
#ifndef EUNOMIA_CRED_BPF_H
#define EUNOMIA_CRED_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* Effective capabilities (kernel_cap_t: one u64 since 6.3, two u32 before; same bytes). */
static __always_inline __u64 cap_effective(const struct cred *c)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &c->cap_effective);
	return v;
}

/*
 * Is this check made with someone else's credentials? The kernel checks some
 * capabilities with credentials it put in place of the task's: overlayfs
 * with its mounter's (reading trusted.* xattrs needs CAP_SYS_ADMIN, a copy-up
 * CAP_DAC_OVERRIDE). Credentials that hold privileges the task itself lacks
 * are not the task's, and their checks say nothing of what it needs. A
 * substitute made from the task's own (access(2) checks with its real ids)
 * holds no more than it, and counts.
 */
static __always_inline bool cred_is_foreign(const struct cred *cred)
{
	/* override_creds() replaces the subjective cred; real_cred stays the task's own. */
	const struct cred *own = BPF_CORE_READ(bpf_get_current_task_btf(), real_cred);

	return cred != own && (cap_effective(cred) & ~cap_effective(own));
}

#endif
