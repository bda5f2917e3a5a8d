// SPDX-License-Identifier: GPL-2.0-only
/*
 * The containers eunomia monitor holds: registered with --attach, tracked by
 * slot as the pinned maps have them, released once they end, listed by --list.
 */
#include <bpf/bpf.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "monitor_int.h"
#include "monitor_maps.h"
#include "profile_yaml.h"

/*
 * Bring the table up to date with slot `slot` as the pinned maps have it now:
 * a registration this daemon has not seen is announced (with `how`); a slot
 * that was released is forgotten. Returns its container, or NULL.
 */
const struct eu_container *monitor_track(struct monitor *d, uint32_t slot, const char *how)
{
	struct mon_container info;
	struct eu_container view;
	struct eu_err err = { 0 };
	enum eu_ct_change ch;
	const struct eu_container *ct;

	if (!mon_container(d->mon, slot, &info)) {
		eu_ctable_remove(d->cts, slot);
		return NULL;
	}
	eu_mon_view(&info, &view);
	if (eu_ctable_put(d->cts, slot, info.generation, &view, &ch, &err)) {
		monitor_say(d, EU_LEVEL_WARNING, "monitor", &view, "%s", err.msg);
		return NULL;
	}
	ct = eu_ctable_get(d->cts, slot, info.generation);
	if (ch != EU_CT_SAME && how)
		monitor_say(d, EU_LEVEL_INFO, "container", ct, "%s %s (init pid %u)", how,
			    info.profile, info.pid);
	return ct;
}

/* The container a kernel event names (slot and generation), if it is still held. */
const struct eu_container *monitor_find_held(struct monitor *d, uint32_t slot, uint64_t gen)
{
	const struct eu_container *ct = eu_ctable_get(d->cts, slot, gen);

	if (ct || slot >= MON_MAX_CTS)
		return ct;
	/* registered since the last scan */
	ct = monitor_track(d, slot, "held to");
	return ct && eu_ctable_get(d->cts, slot, gen) ? ct : NULL;
}

/*
 * --attach: the profile and the container, checked before anything is loaded.
 * A profile name is looked up in `dir` (the running monitor's when NULL).
 */
int monitor_load_attach(const struct monitor_opts *o, const char *dir, char **path,
			struct eu_profile **p, struct eu_container *ct, struct eu_err *err)
{
	if (!o->attach)
		return 0;
	if (eu_mon_profile_path(o->profile, dir, path, err) || eu_profile_load(*path, p, err) ||
	    eu_container_lookup(o->attach, o->runtime_root, ct, err))
		return -1;
	return 0;
}

int monitor_attach(struct monitor *d, const struct eu_container *ct, const struct eu_profile *p,
		   const char *path, bool announce, struct eu_err *err)
{
	const struct eu_container *held_ct;
	uint32_t slot;

	if (mon_register(d->mon, ct, p, path, false, &slot, err))
		return -1;
	if (announce && (held_ct = monitor_track(d, slot, NULL)))
		monitor_say(d, EU_LEVEL_INFO, "container", held_ct,
			    "held to %s: %zu syscalls, %zu executables (init pid %d)", path,
			    eu_profile_syscall_total(p, -1), p->execs.n, (int)ct->pid);
	if (!announce && !d->o->quiet)
		fprintf(stderr, PROG ": %s registered with the running monitor, held to %s\n",
			d->o->attach, path);
	return 0;
}

struct sweep_ctx {
	struct monitor *d;
	struct mon_stats *st;
};

/*
 * Alive while the kernel counts tasks of it, or (registered, none counted yet)
 * its init lives, or the agent holds its filter's listener (what its calls
 * made is still to come).
 */
static bool slot_alive(void *ctx, uint32_t slot, const struct eu_container *ct)
{
	struct sweep_ctx *s = ctx;
	uint64_t gen = 0;

	eu_ctable_at(s->d->cts, slot, &gen);
	return s->st->live[slot] > 0 || eu_container_alive(ct) ||
	       mon_agent_holds(s->d->agent, slot, gen);
}

static void slot_gone(void *ctx, uint32_t slot, const struct eu_container *ct)
{
	struct sweep_ctx *s = ctx;
	struct eu_err err = { 0 };

	if (mon_release(s->d->mon, slot, &err))
		monitor_say(s->d, EU_LEVEL_WARNING, "monitor", ct, "%s", err.msg);
	else
		monitor_say(s->d, EU_LEVEL_INFO, "container", ct, "ended; its policy is removed");
}

/*
 * Containers registered by others (monitor --attach, the OCI hook) are
 * announced; those whose processes are all gone leave their slot.
 */
void monitor_scan(struct monitor *d)
{
	struct mon_stats st;
	struct sweep_ctx sc = { d, &st };
	struct eu_err err = { 0 };

	if (mon_stats(d->mon, &st))
		return;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		monitor_track(d, i, "held to");
	eu_ctable_sweep(d->cts, slot_alive, slot_gone, &sc);
	if (mon_watch_syscalls(d->mon, &err))
		monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL, "%s", err.msg);
	if (st.events_dropped > d->dropped_seen) {
		monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL,
			    "%" PRIu64 " events could not be written (ring buffer full); their "
			    "violations are counted in later events",
			    (uint64_t)(st.events_dropped - d->dropped_seen));
		d->dropped_seen = st.events_dropped;
	}
}

/* --list: the containers the kernel holds, from the pinned maps (no daemon needed). */
int monitor_list_held(struct eu_err *err)
{
	struct mon_container ct;
	struct eu_mon_maps maps;
	struct mon_stats st = { 0 };
	char path[256];
	int fd;
	__u32 key = 0;

	if (eu_mon_maps_open(&maps, err))
		return -1;
	snprintf(path, sizeof(path), MON_PIN_DIR "/mon_stats");
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &key, &st);
		close(fd);
	}
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if (eu_mon_container(&maps, i, &ct))
			printf("%u\t%s\t%s\t%u\t%lld\t%s\n", i, ct.id, ct.name, ct.pid,
			       (long long)st.live[i], ct.profile);
	eu_mon_maps_close(&maps);
	return 0;
}
