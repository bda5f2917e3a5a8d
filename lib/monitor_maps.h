/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's policy maps, pinned under MON_PIN_DIR: what registering a
 * container writes (its policy, identity, executables and mount namespace),
 * shared by the daemon (which loaded them) and the OCI hook (which opens the
 * pins: no BPF program is loaded to register a container).
 */
#ifndef EUNOMIA_MONITOR_MAPS_H
#define EUNOMIA_MONITOR_MAPS_H

#include <linux/types.h> /* monitor.h's __u32, as the kernel side has them */
#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "errors.h"
#include "monitor.h"
#include "profile.h"

struct eu_mon_maps {
	int policies, containers, mntns, execs;
};

/*
 * Registrations come from several processes (the daemon, monitor --attach,
 * OCI hooks starting containers at once): each takes this lock to choose,
 * fill or free a slot.
 */
#define MON_SLOTS_LOCK "/run/eunomia/slots.lock"
/* Held by the running daemon for its whole life. */
#define MON_DAEMON_LOCK "/run/eunomia/monitor.lock"

/*
 * Lock `path` (an flock on a file under /run/eunomia, both created as needed).
 * With `wait` false, a lock held elsewhere sets *busy instead of waiting.
 * *fd holds the lock until closed (eu_mon_unlock()).
 */
int eu_mon_lock_file(const char *path, bool wait, bool *busy, int *fd, struct eu_err *err);

/* Take the slots lock, waiting for it; *fd: pass it to eu_mon_unlock(). */
int eu_mon_lock(int *fd, struct eu_err *err);
void eu_mon_unlock(int fd);

/* Open the pinned maps; fails with EU_E_RUNTIME when no monitor pinned them. */
int eu_mon_maps_open(struct eu_mon_maps *m, struct eu_err *err);

/* Close what eu_mon_maps_open() opened (not maps borrowed from a skeleton). */
void eu_mon_maps_close(struct eu_mon_maps *m);

/*
 * Write a container's policy into its slot (the slot it has, else a free
 * one): executables, identity, mount namespace (processes that execute there
 * join), then the policy that makes the slot active. `own_mntns` is the
 * caller's mount namespace, which a container never shares. `filtered`: it
 * runs under eunomia's filter, whose refusals the agent hears (MON_P_FILTERED).
 */
int eu_mon_store(const struct eu_mon_maps *m, const struct eu_container *ct,
		 const struct eu_profile *p, const char *profile_path, uint32_t own_mntns,
		 bool filtered, uint32_t *slot, struct mon_container *info, struct eu_err *err);

/*
 * The syscall programs (sys_enter, sys_exit, signal_generate) run only while a
 * container is held without eunomia's filter (MON_P_FILTERED): attach them
 * from the programs the daemon pinned (prog_NAME) and pin their links, or
 * unpin the links: attached when `need` or some slot needs them, else not.
 * eu_mon_store() attaches them for a container it stores without the filter.
 */
int eu_mon_watch_syscalls(const struct eu_mon_maps *m, bool need, struct eu_err *err);
bool eu_mon_syscalls_needed(const struct eu_mon_maps *m);

/*
 * Make a slot inactive and forget its executables and mount namespace; its
 * rate entries are the daemon's to retire (lib/monitor_rates.h).
 */
int eu_mon_release(const struct eu_mon_maps *m, uint32_t slot, struct eu_err *err);

/*
 * The file of profile `name`: an absolute path as it is, a bare name (no '/')
 * as DIR/NAME.yaml in the monitor's --profiles directory (read from its pinned
 * configuration when `dir` is NULL). *out: free it.
 */
int eu_mon_profile_path(const char *name, const char *dir, char **out, struct eu_err *err);

/* The identity of slot `slot`; false when it holds no container. */
bool eu_mon_container(const struct eu_mon_maps *m, uint32_t slot, struct mon_container *out);

/*
 * A slot's identity as a container description whose strings point into `m`
 * (not to be freed; eu_container_copy() it to keep it).
 */
void eu_mon_view(const struct mon_container *m, struct eu_container *v);

#endif
