// SPDX-License-Identifier: GPL-2.0-only
/* eunomia export: a profile as OCI, Docker/podman or Kubernetes seccomp JSON. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdopts.h"
#include "commands.h"
#include "json.h"
#include "allowance.h"
#include "caps.h"
#include "listener.h"
#include "profile_yaml.h"
#include "seccomp_json.h"

#define PROG "eunomia export"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia export --format FORMAT [OPTIONS] PROFILE\n"
		"       eunomia export --format FORMAT [OPTIONS] --learning\n"
		"\n"
		"Write an eunomia profile in a form the container world reads:\n"
		"  oci      the linux.seccomp object of an OCI bundle's config.json (runc, crun)\n"
		"  docker   a Docker/podman profile file (podman run's seccomp security option)\n"
		"  k8s      a Security Profiles Operator SeccompProfile (v1, cluster-scoped):\n"
		"           a pod names it as localhostProfile operator/NAME.json\n"
		"\n"
		"Options:\n"
		"  -f, --format FORMAT   oci, docker or k8s (required)\n"
		"  -o, --output FILE     write to FILE, atomically (default: stdout)\n"
		"      --no-runtime-allowance\n"
		"                        the profile's syscalls only, without what runc's init\n"
		"                        may do after it loads the filter (added by default)\n"
		"      --learning        instead of a profile, a filter that allows everything:\n"
		"                        give it to a container being learned, so that its\n"
		"                        runtime loads a filter and learning counts from there\n"
		"      --monitor         the calls the profile does not allow go to eunomia monitor,\n"
		"                        which refuses each (the profile's default errno) and\n"
		"                        reports it: oci and docker (runc, crun, podman), with\n"
		"                        the monitor running when the container starts\n"
		"      --docker-args     with --format docker and --output FILE: print the docker\n"
		"                        run options that apply the profile: --security-opt\n"
		"                        seccomp=FILE and no-new-privileges, --cap-drop ALL and\n"
		"                        a --cap-add for each capability the profile used\n"
		"      --name NAME       metadata.name of the k8s manifest, a Kubernetes name\n"
		"                        (default: the profile's container name made one,\n"
		"                        else \"eunomia\"; with --learning, \"eunomia-learning\")\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 written; 2 usage; 3 bad profile; 4 I/O error. See\n"
		"eunomia-export(8).\n");
}

/* --monitor: refused calls to the monitor, answered with the profile's default errno. */
static int to_monitor(const struct eu_profile *p, const char *path, enum eu_json_form form,
		      struct json_object *doc, struct eu_err *err)
{
	_cleanup_free_ char *abs = realpath(path, NULL);
	struct eu_listener_meta m = { .mode = EU_LISTEN_ENFORCE, .profile = abs };
	char meta[PATH_MAX + 128];

	if (!abs)
		return eu_fail(err, EU_E_IO, errno, "cannot resolve %s", path);
	m.errnum = p->has_default && p->default_deny == EU_DENY_ERRNO && p->default_errno
			   ? (int)p->default_errno
			   : EPERM;
	if (p->has_default && p->default_deny == EU_DENY_KILL_PROCESS)
		m.mode = EU_LISTEN_KILL;
	else if (p->has_default && p->default_deny == EU_DENY_LOG)
		m.mode = EU_LISTEN_COMPLAIN;
	return eu_listener_meta_format(&m, meta, sizeof(meta), err) ||
	       eu_seccomp_json_notify(p, form, doc, EU_SECCOMP_SOCKET, meta, err);
}

/* Characters $(...) passes on as one word, and docker run takes as they are. */
#define PLAIN_WORD \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-=:,+@%"

/*
 * --docker-args: the docker run options that apply the profile written to
 * FILE: its seccomp profile, no new privileges, and its capabilities alone
 * (Docker's names, without CAP_). A profile that does not know its
 * capabilities leaves them to Docker, as eunomia enforce leaves them.
 */
static int print_docker_args(const struct eu_profile *p, const char *file, struct eu_err *err)
{
	_cleanup_free_ char *abs = realpath(file, NULL), *opt = NULL;

	if (!abs)
		return eu_fail(err, EU_E_IO, errno, "cannot resolve %s", file);
	if (asprintf(&opt, "seccomp=%s", abs) < 0) {
		opt = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "--docker-args");
	}
	if (strspn(abs, PLAIN_WORD) != strlen(abs))
		return eu_fail(err, EU_E_USAGE, 0,
			       "--docker-args: %s has characters a shell would split or read in "
			       "$(...): write the profile elsewhere", abs);
	(void)printf("--security-opt %s --security-opt no-new-privileges", opt);
	if (p->caps_unknown)
		fprintf(stderr, PROG ": the profile does not know its capabilities (learned where "
				     "the kernel let none be traced): Docker's are left as they are\n");
	else {
		(void)fputs(" --cap-drop ALL", stdout);
		for (int c = 0; c < 64; c++) {
			_cleanup_free_ char *name = NULL;

			if (!(p->caps_used & (1ULL << c)) || !(name = eu_cap_name(c)))
				continue;
			(void)printf(" --cap-add %s", strncmp(name, "CAP_", 4) ? name : name + 4);
		}
	}
	(void)putchar('\n');
	/* stdout's errors are sticky: one check for every write above */
	if (fflush(stdout) != 0 || ferror(stdout))
		return eu_fail(err, EU_E_IO, errno, "writing the options");
	return 0;
}

int cmd_export(int argc, char **argv)
{
	const char *output = NULL, *name = NULL;
	bool learning = false, no_allowance = false, monitor = false, docker_args = false;
	const struct eu_opt opts[] = {
		EU_OPT_OWN("format", 'f'),
		EU_OPT_STRING("output", 'o', &output),
		EU_OPT_STRING("name", 0, &name),
		EU_OPT_FLAG("learning", 0, &learning),
		EU_OPT_FLAG("no-runtime-allowance", 0, &no_allowance),
		EU_OPT_FLAG("monitor", 0, &monitor),
		EU_OPT_FLAG("docker-args", 0, &docker_args),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage };
	_cleanup_free_ char *derived = NULL;
	struct json_object *doc = NULL;
	struct eu_profile *p = NULL;
	struct eu_err err = { 0 };
	int c, form = -1;

	/* --format, the one option eu_getopt() cannot store */
	while ((c = eu_getopt(&g, argc, argv, &err)) > 0) {
		form = eu_json_form_from_name(optarg);
		if (form < 0) {
			eu_fail(&err, EU_E_USAGE, 0, "--format expects oci, docker or k8s, not '%s'",
				optarg);
			return eu_report(&err, PROG);
		}
	}
	if (c < 0)
		return eu_report(&err, PROG);
	if (form < 0 || optind != argc - !learning) {
		eu_fail(&err, EU_E_USAGE, 0,
			form < 0   ? "which format? (--format oci|docker|k8s)"
			: learning ? "--learning writes a filter of its own; it takes no profile"
				   : "give one profile to export (see --help)");
		return eu_report(&err, PROG);
	}
	if (docker_args && (form != EU_JSON_DOCKER || !output || !strcmp(output, "-") || learning ||
			    monitor || strspn(output, PLAIN_WORD) != strlen(output))) {
		eu_fail(&err, EU_E_USAGE, 0,
			form != EU_JSON_DOCKER ? "--docker-args goes with --format docker"
			: !output || !strcmp(output, "-")
				? "--docker-args needs --output FILE: its options name the file"
			: strspn(output, PLAIN_WORD) != strlen(output)
				? "--docker-args: the --output path has characters a shell would split "
				  "or read in $(...) (letters, digits and /._-=:,+@%% only)"
			: learning	       ? "--docker-args applies a profile; --learning has none"
					       : "--docker-args and --monitor: Docker drops the filter's "
						 "listenerPath, so its refusals could not reach the monitor "
						 "(they would fail with ENOSYS)");
		return eu_report(&err, PROG);
	}
	if (learning) {
		if (eu_seccomp_json_learning((enum eu_json_form)form, name ? name : "eunomia-learning",
					     &doc, &err) ||
		    eu_json_save(doc, output, &err)) {
			json_object_put(doc);
			return eu_report(&err, PROG);
		}
		json_object_put(doc);
		return 0;
	}
	if (eu_profile_load(argv[optind], &p, &err))
		return eu_report(&err, PROG);
	/* a container's name ("My_Web") made a Kubernetes one ("my-web"); --name is as given */
	if (!name) {
		derived = p->meta.container_name ? eu_k8s_name_from(p->meta.container_name) : NULL;
		name = derived ? derived : "eunomia";
	}
	/* the runtime that enforces it starts the container under it: runc's init needs these */
	if (!no_allowance) {
		_cleanup_free_ char *from = NULL;
		size_t added;

		if (eu_runtime_allowance_add(p, &added, &from, &err)) {
			eu_profile_free(p);
			return eu_report(&err, PROG);
		}
		fprintf(stderr,
			PROG ": added the runtime allowance: %zu syscalls runc's init may make after "
			     "loading the filter (%s)\n",
			added, from);
	}
	if (monitor) {
		size_t added;

		if (eu_runtime_allowance_handover(p, &added, &err)) {
			eu_profile_free(p);
			return eu_report(&err, PROG);
		}
		if (added)
			fprintf(stderr,
				PROG ": added %zu syscalls runc's init makes to hand the filter's "
				     "listener over (read, close)\n",
				added);
	}
	if (eu_seccomp_json(p, (enum eu_json_form)form, name, &doc, &err) ||
	    (monitor && to_monitor(p, argv[optind], (enum eu_json_form)form, doc, &err)) ||
	    eu_json_save(doc, output, &err)) {
		json_object_put(doc);
		eu_profile_free(p);
		return eu_report(&err, PROG);
	}
	if (docker_args && print_docker_args(p, output, &err)) {
		json_object_put(doc);
		eu_profile_free(p);
		return eu_report(&err, PROG);
	}
	if (form == EU_JSON_K8S && eu_seccomp_json_k8s_lost_errno(p))
		fprintf(stderr,
			PROG ": warning: a SeccompProfile has no default errno: what %s does not "
			     "allow fails with EPERM, not errno %u\n",
			argv[optind], eu_seccomp_json_k8s_lost_errno(p));
	if (eu_seccomp_json_is_union(p))
		fprintf(stderr,
			PROG ": warning: %s allows different syscalls on different architectures; "
			     "this form names syscalls for all of them, so each gets the union\n",
			argv[optind]);
	json_object_put(doc);
	eu_profile_free(p);
	return 0;
}
