// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia-oci-hook: eunomia at a container runtime's hooks (runc, crun, podman
 * hooks.d). At createRuntime or prestart, a container annotated
 * io.eunomia.learn=PATH gets a learner bound to the container's init process
 * before the container's own program runs: one of the resident learner's
 * (`eunomia learn --serve`, programs loaded ahead: milliseconds) when it runs,
 * else `eunomia learn --oci-state` started here, detached from the runtime
 * (the BPF load's time: a good 100 ms). At poststop the hook waits for that learner to
 * write the profile (it does when the container's last process is gone), and
 * stops it if it does not. Every step is bounded in time: the hook never holds
 * the runtime for longer than its timeout.
 *
 * This file reads the options, the OCI state and the stage; hook_learn.c and
 * hook_monitor.c do the work (hook.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdopts.h"
#include "hook.h"
#include "hook_conf.h"
#include "oci_state.h"
#include "selfpath.h"

#define STATE_MAX (1U << 20)
#define STDIN_TIMEOUT_MS 5000

#ifndef EUNOMIA_SBINDIR
#define EUNOMIA_SBINDIR "/usr/local/sbin"
#endif

/*
 * The eunomia binary beside the hook (a build directory), or where make install
 * puts it from here ($(LIBEXECDIR)/eunomia/.. /../sbin), or the configured
 * default; hook.conf's "eunomia" overrides all of them.
 */
static const char *default_eunomia(char *buf, size_t size)
{
	static const char *const rel[] = { "eunomia", "../../sbin/eunomia" };

	return eu_beside_self(rel, EU_ARRAY_SIZE(rel), EUNOMIA_SBINDIR "/eunomia", buf, size);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--config FILE] [STAGE]   (the OCI state on standard input)\n"
		"\n"
		"An OCI runtime hook. STAGE is createRuntime or prestart (start learning a\n"
		"container annotated io.eunomia.learn=PATH) or poststop (wait for its profile);\n"
		"without it, the state's status says which (creating or created, or stopped).\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   the hook's configuration (default " EU_HOOK_CONF ")\n"
		"  -h, --help          show this help\n"
		"\n"
		"Annotations: io.eunomia.learn=/absolute/profile.yaml, inside a directory that\n"
		"learn_dirs of the configuration allows; io.eunomia.learn.merge=true folds the\n"
		"run into the profile already there; io.eunomia.learn.boundary=WHEN says where\n"
		"counting starts (auto, seccomp-filter, exec, none). io.eunomia.profile=PROFILE\n"
		"(a path, or a name in the monitor's profiles directory) holds the container to\n"
		"that profile with the running eunomia monitor.\n"
		"See eunomia-oci-hook(8).\n");
}

/* The state document, read within a bounded time: a runtime that never closes stdin is bad input. */
static int read_stdin(char **out, size_t *len, struct eu_err *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the OCI state");
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		ssize_t r;
		int pr = poll(&p, 1, STDIN_TIMEOUT_MS);

		if (pr == 0) {
			free(buf);
			return eu_fail(err, EU_E_PROFILE, 0,
				       "no OCI state on standard input within %d s",
				       STDIN_TIMEOUT_MS / 1000);
		}
		if (pr < 0 && errno == EINTR)
			continue;
		if (n + 1 >= cap) {
			char *b;

			if (cap >= STATE_MAX) {
				free(buf);
				return eu_fail(err, EU_E_PROFILE, 0,
					       "the OCI state is larger than %u bytes", STATE_MAX);
			}
			b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the OCI state");
			}
			buf = b;
			cap *= 2;
		}
		r = read(STDIN_FILENO, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return eu_fail(err, EU_E_IO, errno, "reading the OCI state from standard input");
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}


int main(int argc, char **argv)
{
	const char *config = NULL, *stage;
	const struct eu_opt opts[] = {
		EU_OPT_STRING("config", 'c', &config),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage };
	_cleanup_free_ char *text = NULL;
	struct eu_hook_conf conf = { 0 };
	struct eu_oci_state st = { 0 };
	struct eu_err err = { 0 };
	char self_buf[PATH_MAX + 32];
	size_t len = 0;
	bool start;
	int rc = 0;

	if (eu_getopt(&g, argc, argv, &err))
		return eu_report(&err, PROG);
	if (argc - optind > 1) {
		eu_fail(&err, EU_E_USAGE, 0, "one stage at a time ('%s' is extra)", argv[optind + 1]);
		return eu_report(&err, PROG);
	}
	stage = optind < argc ? argv[optind] : NULL;
	start = stage && (!strcmp(stage, "createRuntime") || !strcmp(stage, "prestart"));
	if (stage && !start && strcmp(stage, "poststop")) {
		eu_fail(&err, EU_E_USAGE, 0, "unknown stage '%s' (createRuntime, prestart or poststop)",
			stage);
		return eu_report(&err, PROG);
	}
	if (eu_hook_conf_defaults(&conf, default_eunomia(self_buf, sizeof(self_buf)), &err) ||
	    eu_hook_conf_load(config ? config : EU_HOOK_CONF, !config, &conf, &err) ||
	    read_stdin(&text, &len, &err) ||
	    eu_oci_state_parse("the OCI state", text, len, false, &st, &err)) {
		eu_hook_conf_free(&conf);
		return eu_report(&err, PROG);
	}
	/* hooks.d gives every stage the same arguments: the state says where we are */
	if (!stage) {
		start = !strcmp(st.status, "creating") || !strcmp(st.status, "created");
		if (!start && strcmp(st.status, "stopped")) {
			eu_fail(&err, EU_E_PROFILE, 0,
				"the OCI state: status %s is no stage of this hook (creating, created "
				"or stopped)",
				st.status);
			goto out;
		}
	}
	if (start && st.pid <= 0) {
		eu_fail(&err, EU_E_PROFILE, 0,
			"the OCI state: no pid: the container has no init process to follow");
		goto out;
	}
	if (start && kill(st.pid, 0) < 0 && errno == ESRCH) {
		eu_fail(&err, EU_E_NOTFOUND, 0, "container %s: its init process %d is gone", st.id,
			(int)st.pid);
		rc = -1;
	} else if (start) {
		/* Held first: a container that cannot be held does not start, and is not learned. */
		rc = hook_start_monitoring(&st, &err) ||
		     hook_start_learning(&conf, &st, text, len, &err);
	} else {
		rc = hook_stop_learning(&conf, &st, &err);
		if (hook_stop_monitoring(&st, rc ? NULL : &err))
			rc = -1;
	}
out:
	rc = rc || err.kind != EU_OK;
	eu_oci_state_free(&st);
	eu_hook_conf_free(&conf);
	return rc ? eu_report(&err, PROG) : 0;
}
