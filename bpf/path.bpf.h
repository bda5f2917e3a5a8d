/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Absolute path of a file as its mount namespace sees it, the way d_path()
 * builds it: walk dentries to the mount root, cross to the parent mount, stop
 * at the namespace's top. BPF cannot call d_path() from tracepoints, so this
 * reads the same structures with CO-RE.
 */
#ifndef EUNOMIA_PATH_BPF_H
#define EUNOMIA_PATH_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define EU_PATH_DEPTH 16   /* components (and mount crossings) followed */
#define EU_PATH_HALF 256   /* longest path produced; buffers are twice this */

struct eu_path_walk {
	struct mount *mnt;
	struct dentry *dentry;
	const unsigned char *names[EU_PATH_DEPTH];
	int n;
	int complete;
};

/* One step up: a name, or a crossing into the parent mount. bpf_loop() callback. */
static long eu_path_step(__u32 i, void *ctx)
{
	struct eu_path_walk *w = ctx;
	/* Plain locals: CO-RE relocations must only touch kernel types. */
	struct mount *mnt = w->mnt;
	struct dentry *dentry = w->dentry;
	struct dentry *root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

	if (dentry == root || dentry == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || !up) {
			w->complete = 1;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	if (w->n >= EU_PATH_DEPTH)
		return 1;
	w->names[w->n & (EU_PATH_DEPTH - 1)] = BPF_CORE_READ(dentry, d_name.name);
	w->n++;
	w->dentry = parent;
	return 0;
}

/*
 * Write the path of (vfsmnt, dentry) into buf[2 * EU_PATH_HALF]. Returns its
 * length, or -1 when it is deeper or longer than we follow (buf is then unusable).
 * The walk runs under bpf_loop() (Linux 5.17+) so the verifier checks it once.
 */
static __always_inline long eu_path_resolve(struct vfsmount *vfsmnt, struct dentry *dentry,
					    char *buf)
{
	struct eu_path_walk w = {
		.mnt = container_of(vfsmnt, struct mount, mnt),
		.dentry = dentry,
	};
	__u32 off = 0;
	int n;

	bpf_loop(EU_PATH_DEPTH * 2, eu_path_step, &w, 0);
	if (!w.complete)
		return -1;
	n = w.n;
	for (int i = 0; i < EU_PATH_DEPTH; i++) {
		int k = n - 1 - i;
		long r;

		if (k < 0)
			break;
		if (off >= EU_PATH_HALF - 1)
			return -1;
		buf[off & (EU_PATH_HALF - 1)] = '/';
		off++;
		r = bpf_probe_read_kernel_str(&buf[off & (EU_PATH_HALF - 1)], EU_PATH_HALF,
					      w.names[k & (EU_PATH_DEPTH - 1)]);
		if (r <= 0)
			return -1;
		off += (__u32)r - 1;
	}
	if (off >= EU_PATH_HALF)
		return -1;
	if (!off) {
		buf[0] = '/';
		off = 1;
	}
	buf[off & (2 * EU_PATH_HALF - 1)] = '\0';
	return off;
}

#endif
