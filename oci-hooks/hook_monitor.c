// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hook's monitor path: io.eunomia.profile holds the container to a profile
 * through the running monitor's pinned maps (no BPF program is loaded here),
 * and poststop frees its slot.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "hook.h"
#include "listener.h"
#include "monitor_maps.h"
#include "oci_config.h"
#include "profile_yaml.h"

/*
 * Does the bundle's filter hand what it refuses to the monitor (eunomia
 * enforce --monitor wrote it)? Then the monitor's agent hears each refusal,
 * and the syscall programs need not watch the container.
 */
static bool filtered_by_eunomia(const struct eu_oci_state *st)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *cfg = NULL, *seccomp, *lp;
	struct eu_err ignored = { 0 };
	bool yes;

	if (!st->bundle || eu_oci_config_load(st->bundle, &path, &cfg, &ignored))
		return false;
	yes = json_object_object_get_ex(cfg, "linux", &seccomp) &&
	      json_object_object_get_ex(seccomp, "seccomp", &seccomp) &&
	      json_object_object_get_ex(seccomp, "listenerPath", &lp) &&
	      json_object_is_type(lp, json_type_string) &&
	      !strcmp(json_object_get_string(lp), EU_SECCOMP_SOCKET);
	json_object_put(cfg);
	return yes;
}

/*
 * io.eunomia.profile=PATH: hold the container to that profile with the running
 * monitor, through its pinned maps (no BPF program is loaded here). Its
 * processes join when they execute in its mount namespace: the container's
 * program from its first instruction, runc exec and podman exec later.
 */
int hook_start_monitoring(const struct eu_oci_state *st, struct eu_err *err)
{
	const char *name = eu_oci_annotation(st, "io.eunomia.profile");
	_cleanup_free_ char *path = NULL;
	struct eu_container ct = { 0 };
	struct stat sb;
	struct eu_profile *p = NULL;
	struct eu_mon_maps maps;
	struct mon_container info;
	uint32_t own = 0, slot;
	int rc = -1;

	if (!name)
		return 0;
	/* a name is the running monitor's to resolve, in its --profiles directory */
	if (eu_mon_profile_path(name, NULL, &path, err))
		return eu_wrap(err, "io.eunomia.profile=%s", name);
	/* a FIFO or a device would hang the runtime on the hook */
	if (stat(path, &sb) < 0)
		return eu_fail(err, EU_E_IO, errno, "io.eunomia.profile=%s: cannot read %s", name, path);
	if (!S_ISREG(sb.st_mode))
		return eu_fail(err, EU_E_IO, 0, "io.eunomia.profile=%s: %s is not a regular file", name,
			       path);
	if (eu_profile_load(path, &p, err) || eu_container_from_oci_state(st, &ct, err) ||
	    eu_ns_inode(getpid(), "mnt", &own, err))
		goto out;
	if (ct.mntns == own) {
		eu_fail(err, EU_E_RUNTIME, 0,
			"container %s shares the hook's mount namespace: it cannot be told apart",
			st->id);
		goto out;
	}
	if (eu_mon_maps_open(&maps, err))
		goto out;
	rc = eu_mon_store(&maps, &ct, p, path, own, filtered_by_eunomia(st), &slot, &info, err);
	eu_mon_maps_close(&maps);
out:
	eu_profile_free(p);
	eu_container_free(&ct);
	return rc;
}

/* The container is gone: its slot is free (the monitor would find out within a second). */
int hook_stop_monitoring(const struct eu_oci_state *st, struct eu_err *err)
{
	struct eu_err ignored = { 0 };
	struct mon_container info;
	struct eu_mon_maps maps;
	int rc = 0;

	if (!eu_oci_annotation(st, "io.eunomia.profile"))
		return 0;
	if (eu_mon_maps_open(&maps, &ignored))
		return 0; /* no monitor (any more): nothing holds the container */
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if (eu_mon_container(&maps, i, &info) && !strcmp(info.id, st->id) &&
		    eu_mon_release(&maps, i, err ? err : &ignored))
			rc = -1;
	eu_mon_maps_close(&maps);
	return rc;
}
