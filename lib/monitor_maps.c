// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's pinned policy maps (see monitor_maps.h). */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor_maps.h"

static const struct {
	const char *name;
	size_t off;
	size_t key, value; /* their sizes, as this build has them */
} pinned[] = {
	{ "mon_policies", offsetof(struct eu_mon_maps, policies), sizeof(__u32),
	  sizeof(struct mon_policy) },
	{ "mon_containers", offsetof(struct eu_mon_maps, containers), sizeof(__u32),
	  sizeof(struct mon_container) },
	{ "mon_mntns", offsetof(struct eu_mon_maps, mntns), sizeof(__u32), sizeof(__u32) },
	{ "mon_execs", offsetof(struct eu_mon_maps, execs), sizeof(struct mon_exec_key),
	  sizeof(__u8) },
};

#define FD(m, i) (*(int *)((char *)(m) + pinned[i].off))

int eu_mon_maps_open(struct eu_mon_maps *m, struct eu_err *err)
{
	char path[256];

	for (size_t i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		FD(m, i) = -1;
	for (size_t i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++) {
		snprintf(path, sizeof(path), MON_PIN_DIR "/%s", pinned[i].name);
		FD(m, i) = bpf_obj_get(path);
		if (FD(m, i) < 0) {
			int e = errno;

			eu_mon_maps_close(m);
			if (e == ENOENT)
				return eu_fail(err, EU_E_RUNTIME, 0,
					       "no eunomia monitor is running (nothing is pinned at "
					       "%s): start 'eunomia monitor' first",
					       path);
			return eu_fail(err, EU_E_KERNEL, e, "cannot open %s", path);
		}
		/* a monitor of another version pinned them: its entries are laid out otherwise */
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(FD(m, i), &info, &len) == 0 &&
		    (info.key_size != pinned[i].key || info.value_size != pinned[i].value)) {
			eu_mon_maps_close(m);
			return eu_fail(err, EU_E_RUNTIME, 0,
				       "%s was pinned by a monitor of another eunomia version (entries "
				       "of %u bytes, not %zu): restart the monitor with this one",
				       path, info.value_size, pinned[i].value);
		}
	}
	return 0;
}

void eu_mon_maps_close(struct eu_mon_maps *m)
{
	for (size_t i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++) {
		if (FD(m, i) >= 0)
			close(FD(m, i));
		FD(m, i) = -1;
	}
}

int eu_mon_lock_file(const char *path, bool wait, bool *busy, int *fd, struct eu_err *err)
{
	int e;

	*fd = -1;
	if (busy)
		*busy = false;
	if ((mkdir("/run", 0755) < 0 && errno != EEXIST) ||
	    (mkdir("/run/eunomia", 0700) < 0 && errno != EEXIST))
		return eu_fail(err, EU_E_IO, errno, "cannot create /run/eunomia");
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot open %s", path);
	while (flock(*fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (!wait && errno == EWOULDBLOCK && busy) {
			*busy = true;
			return 0;
		}
		e = errno;
		close(*fd);
		*fd = -1;
		return eu_fail(err, EU_E_IO, e, "cannot lock %s", path);
	}
	return 0;
}

int eu_mon_lock(int *fd, struct eu_err *err)
{
	return eu_mon_lock_file(MON_SLOTS_LOCK, true, NULL, fd, err);
}

void eu_mon_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the lock */
}

bool eu_mon_container(const struct eu_mon_maps *m, uint32_t slot, struct mon_container *out)
{
	struct mon_policy p;

	return slot < MON_MAX_CTS && !bpf_map_lookup_elem(m->policies, &slot, &p) &&
	       (p.flags & MON_P_ACTIVE) && !bpf_map_lookup_elem(m->containers, &slot, out);
}

/* The slot of container `id`, else a free one; -1 when all are taken. */
static int find_slot(const struct eu_mon_maps *m, const char *id)
{
	struct mon_container c;
	int free_slot = -1;

	for (uint32_t i = 0; i < MON_MAX_CTS; i++) {
		if (!eu_mon_container(m, i, &c)) {
			if (free_slot < 0)
				free_slot = (int)i;
			continue;
		}
		if (!strcmp(c.id, id))
			return (int)i;
	}
	return free_slot;
}

/* Remove the slot's executables (their keys carry the slot). */
static int drop_execs(const struct eu_mon_maps *m, uint32_t slot, struct eu_err *err)
{
	struct mon_exec_key *key = calloc(2, sizeof(*key));
	struct mon_exec_key *next = key ? key + 1 : NULL;
	void *prev = NULL;

	if (!key)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the executables map");
	while (bpf_map_get_next_key(m->execs, prev, next) == 0) {
		*key = *next;
		if (key->ct == slot) {
			bpf_map_delete_elem(m->execs, key);
			prev = NULL; /* start over: the walk's position is gone */
			continue;
		}
		prev = key;
	}
	free(key);
	return 0;
}

static int release_locked(const struct eu_mon_maps *m, uint32_t slot, struct eu_err *err)
{
	struct mon_container info;
	struct mon_policy off = { 0 };
	__u32 cur;

	if (slot >= MON_MAX_CTS)
		return 0;
	if (bpf_map_update_elem(m->policies, &slot, &off, BPF_ANY))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot clear a policy");
	if (!bpf_map_lookup_elem(m->containers, &slot, &info) && info.mntns &&
	    !bpf_map_lookup_elem(m->mntns, &info.mntns, &cur) && cur == slot)
		bpf_map_delete_elem(m->mntns, &info.mntns);
	memset(&info, 0, sizeof(info));
	if (bpf_map_update_elem(m->containers, &slot, &info, BPF_ANY))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot clear a container");
	/*
	 * Its rate entries stay: keyed by this registration, they count for no
	 * other, and the daemon writes what they hold unreported before it drops
	 * them (lib/monitor_rates.c).
	 */
	return drop_execs(m, slot, err);
}

int eu_mon_release(const struct eu_mon_maps *m, uint32_t slot, struct eu_err *err)
{
	int lock, rc;

	if (eu_mon_lock(&lock, err))
		return -1;
	rc = release_locked(m, slot, err);
	eu_mon_unlock(lock);
	return rc;
}

static void policy_from_profile(const struct eu_profile *p, bool filtered, struct mon_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->flags = MON_P_ACTIVE | (p->execs.n ? MON_P_EXECS : 0) |
		     (p->has_families ? MON_P_FAMILIES : 0) | (p->caps_unknown ? 0 : MON_P_CAPS) |
		     (filtered ? MON_P_FILTERED : 0);
	pol->families = p->families;
	pol->caps = p->caps_used;
	pol->caps_denied = p->caps_denied;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		if (!p->arch[a].present)
			continue;
		pol->arch_present |= 1U << a;
		memcpy(pol->syscalls[a], p->arch[a].bits, sizeof(pol->syscalls[a]));
	}
	/*
	 * A syscall the profile has rules for is its own decision here: allowed
	 * under conditions (arguments are seccomp's to judge), or answered with
	 * the rule's errno by design (clone3's ENOSYS, on which glibc calls clone).
	 */
	for (size_t i = 0; i < p->nrules; i++) {
		const struct eu_rule *r = &p->rules[i];

		if (r->arch >= 0 && r->arch < EU_ARCH_COUNT && r->nr >= 0 && r->nr < EU_NR_MAX)
			pol->syscalls[r->arch][r->nr / 64] |= 1ULL << (r->nr % 64);
	}
}

/* The syscall programs, and the tracepoint each raw_tp form attaches to. */
static const struct {
	const char *prog, *raw_tp; /* raw_tp: NULL for a tp_btf program (its BTF names it) */
} syscall_progs[] = {
	{ "mon_sys_enter_btf", NULL },	     { "mon_sys_enter_btf_nocast", NULL },
	{ "mon_sys_enter_raw", "sys_enter" }, { "mon_sys_exit_btf", NULL },
	{ "mon_sys_exit_btf_nocast", NULL },  { "mon_sys_exit_raw", "sys_exit" },
	{ "mon_signal_btf", NULL },	     { "mon_signal_raw", "signal_generate" },
};

static int pin_path(char *buf, size_t size, const char *kind, const char *prog)
{
	return snprintf(buf, size, MON_PIN_DIR "/%s_%s", kind, prog);
}

/* Attach (need) or detach the syscall programs; under the slots lock. */
static int watch_locked(bool need, struct eu_err *err)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(syscall_progs); i++) {
		char prog_pin[256], link_pin[256];
		struct stat st;
		int prog, link, rc;

		pin_path(link_pin, sizeof(link_pin), "link", syscall_progs[i].prog);
		if (!need) {
			if (unlink(link_pin) < 0 && errno != ENOENT)
				return eu_fail(err, EU_E_KERNEL, errno, "cannot unpin %s", link_pin);
			continue;
		}
		pin_path(prog_pin, sizeof(prog_pin), "prog", syscall_progs[i].prog);
		if (stat(link_pin, &st) == 0 || stat(prog_pin, &st) < 0)
			continue; /* attached, or not this kernel's way */
		prog = bpf_obj_get(prog_pin);
		if (prog < 0)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot open %s", prog_pin);
		link = bpf_raw_tracepoint_open(syscall_progs[i].raw_tp, prog);
		rc = link < 0 ? -errno : bpf_obj_pin(link, link_pin) < 0 ? -errno : 0;
		close(prog);
		if (link >= 0)
			close(link); /* the pin holds it */
		if (rc)
			return eu_fail(err, EU_E_KERNEL, -rc, "cannot attach %s", syscall_progs[i].prog);
	}
	return 0;
}

bool eu_mon_syscalls_needed(const struct eu_mon_maps *m)
{
	struct mon_policy p;

	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if (!bpf_map_lookup_elem(m->policies, &i, &p) && (p.flags & MON_P_ACTIVE) &&
		    !(p.flags & MON_P_FILTERED))
			return true;
	return false;
}

int eu_mon_watch_syscalls(const struct eu_mon_maps *m, bool need, struct eu_err *err)
{
	int lock, rc;

	if (eu_mon_lock(&lock, err))
		return -1;
	/* decided under the lock: a registration meanwhile is either seen or comes after */
	rc = watch_locked(need || eu_mon_syscalls_needed(m), err);
	eu_mon_unlock(lock);
	return rc;
}

static int store_locked(const struct eu_mon_maps *m, const struct eu_container *ct,
			const struct eu_profile *p, const char *profile_path, uint32_t own_mntns,
			bool filtered, uint32_t *out_slot, struct mon_container *info,
			struct eu_err *err)
{
	struct mon_exec_key *key;
	struct mon_policy pol;
	struct timespec now;
	uint32_t slot;
	__u8 one = 1;
	int i;

	memset(info, 0, sizeof(*info));
	if (ct->id)
		snprintf(info->id, sizeof(info->id), "%s", ct->id);
	else
		snprintf(info->id, sizeof(info->id), "pid:%d", (int)ct->pid);
	snprintf(info->name, sizeof(info->name), "%s", ct->name ? ct->name : info->id);
	snprintf(info->profile, sizeof(info->profile), "%s", profile_path ? profile_path : "");
	snprintf(info->runtime, sizeof(info->runtime), "%s", ct->runtime ? ct->runtime : "");
	snprintf(info->pod, sizeof(info->pod), "%s", ct->pod ? ct->pod : "");
	snprintf(info->compose, sizeof(info->compose), "%s", ct->compose ? ct->compose : "");
	snprintf(info->image, sizeof(info->image), "%s", ct->image ? ct->image : "");
	snprintf(info->bundle, sizeof(info->bundle), "%s", ct->bundle ? ct->bundle : "");
	info->pid = (uint32_t)ct->pid;
	info->mntns = ct->mntns != own_mntns ? ct->mntns : 0;
	i = find_slot(m, info->id);
	if (i < 0)
		return eu_fail(err, EU_E_RUNTIME, 0,
			       "the monitor already holds %d containers, its most", MON_MAX_CTS);
	slot = (uint32_t)i;
	policy_from_profile(p, filtered, &pol);
	clock_gettime(CLOCK_REALTIME, &now);
	pol.generation = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	info->generation = pol.generation;
	/* Whatever the slot held goes first; the policy, written last, makes it active. */
	if (release_locked(m, slot, err))
		return -1;
	key = calloc(1, sizeof(*key));
	if (!key)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "registering a container");
	for (size_t e = 0; e < p->execs.n; e++) {
		memset(key, 0, sizeof(*key));
		key->ct = slot;
		snprintf(key->path, sizeof(key->path), "%s", p->execs.v[e]);
		if (bpf_map_update_elem(m->execs, key, &one, BPF_ANY)) {
			free(key);
			return eu_fail(err, EU_E_KERNEL, errno, "cannot store the executables of %s",
				       info->id);
		}
	}
	free(key);
	if (bpf_map_update_elem(m->containers, &slot, info, BPF_ANY) ||
	    (info->mntns && bpf_map_update_elem(m->mntns, &info->mntns, &slot, BPF_ANY)) ||
	    bpf_map_update_elem(m->policies, &slot, &pol, BPF_ANY)) {
		struct eu_err ignored = { 0 };
		int e = errno;

		release_locked(m, slot, &ignored); /* nothing half-registered stays */
		return eu_fail(err, EU_E_KERNEL, e, "cannot store the policy of %s", info->id);
	}
	*out_slot = slot;
	return 0;
}

int eu_mon_store(const struct eu_mon_maps *m, const struct eu_container *ct,
		 const struct eu_profile *p, const char *profile_path, uint32_t own_mntns,
		 bool filtered, uint32_t *out_slot, struct mon_container *info, struct eu_err *err)
{
	int lock, rc;

	if (eu_mon_lock(&lock, err))
		return -1;
	rc = store_locked(m, ct, p, profile_path, own_mntns, filtered, out_slot, info, err);
	/* one without eunomia's filter is watched from now: before its program runs */
	if (!rc && !filtered)
		rc = watch_locked(true, err);
	eu_mon_unlock(lock);
	return rc;
}

int eu_mon_profile_path(const char *name, const char *dir, char **out, struct eu_err *err)
{
	struct mon_config cfg;
	__u32 key = 0;

	*out = NULL;
	if (name[0] == '/') {
		*out = strdup(name);
		return *out ? 0 : eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming a profile");
	}
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return eu_fail(err, EU_E_USAGE, 0,
			       "profile '%s': expected an absolute path, or a name (no '/') in the "
			       "monitor's --profiles directory",
			       name);
	if (!dir) {
		int fd = bpf_obj_get(MON_PIN_DIR "/mon_config");

		if (fd < 0)
			return eu_fail(err, EU_E_RUNTIME, 0,
				       "profile '%s' is a name, and no eunomia monitor is running to "
				       "say where its profiles are",
				       name);
		if (bpf_map_lookup_elem(fd, &key, &cfg)) {
			eu_fail(err, EU_E_KERNEL, errno, "cannot read the monitor's configuration");
			close(fd);
			return -1;
		}
		close(fd);
		cfg.profiles_dir[sizeof(cfg.profiles_dir) - 1] = '\0';
		dir = cfg.profiles_dir;
	}
	if (!*dir)
		return eu_fail(err, EU_E_USAGE, 0,
			       "profile '%s' is a name, but the monitor has no --profiles directory",
			       name);
	if (asprintf(out, "%s/%s.yaml", dir, name) < 0) {
		*out = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming a profile");
	}
	return 0;
}

static char *or_null(const char *s)
{
	return *s ? (char *)s : NULL;
}

void eu_mon_view(const struct mon_container *m, struct eu_container *v)
{
	*v = (struct eu_container){
		.id = or_null(m->id),
		.name = or_null(m->name),
		.runtime = or_null(m->runtime),
		.pod = or_null(m->pod),
		.compose = or_null(m->compose),
		.image = or_null(m->image),
		.bundle = or_null(m->bundle),
		.pid = (pid_t)m->pid,
		.mntns = m->mntns,
	};
}
