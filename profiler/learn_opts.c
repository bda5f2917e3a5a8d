// SPDX-License-Identifier: GPL-2.0-only
/* eunomia learn's options: --help, and argv into struct learn_opts (learner.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_probe.h"
#include "cleanup.h"
#include "cmdopts.h"
#include "learn_int.h"
#include "learn_request.h"
#include "learner.h"
#include "profile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia learn [OPTIONS] CONTAINER\n"
		"       eunomia learn [OPTIONS] -- COMMAND [ARGS...]\n"
		"       eunomia learn --serve [--socket PATH] [--standby N]\n"
		"\n"
		"Trace every syscall and capability check of one container, or of a command\n"
		"and its children, and write a YAML profile of them.\n"
		"\n"
		"CONTAINER is a runc or crun container id, a Docker or podman container name\n"
		"or id, or pid:N (process N, its threads and descendants, and anything that later executes\n"
		"in its mount namespace). A COMMAND is started stopped and released once traced,\n"
		"so its profile begins with its own execve.\n"
		"\n"
		"Learning ends when all the traced processes are gone, after --duration, or on\n"
		"SIGINT/SIGTERM/SIGHUP; the profile is written in every case.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE        write the profile to FILE, atomically (default: stdout)\n"
		"  -m, --merge FILE         fold this run into the profile FILE (union; counts add);\n"
		"                           the result goes to --output, or back to FILE\n"
		"  -d, --duration SECONDS   stop learning after SECONDS\n"
		"      --until-quiet SECONDS\n"
		"                           stop learning once nothing new (syscall, argument\n"
		"                           value, capability) has been seen for SECONDS\n"
		"      --checkpoint SECONDS write the profile learned so far every SECONDS (to\n"
		"                           --output or --merge, atomically), so that a learner\n"
		"                           killed with SIGKILL still leaves a recent profile\n"
		"      --grace SECONDS      with COMMAND: when learning is stopped, how long the\n"
		"                           command has to exit after SIGTERM (default 5)\n"
		"      --runtime-root DIR   state directory of runc/crun (default: /run/runc, /run/crun)\n"
		"      --oci-state FILE     learn the container of this OCI state document (what a\n"
		"                           runtime gives its hooks), instead of naming one\n"
		"      --ready-fd FD        write \"ready\" to file descriptor FD once following\n"
		"      --boundary WHEN      for a container that is starting (--oci-state), where\n"
		"                           its syscalls begin to count: seccomp-filter (when the\n"
		"                           runtime loads its filter), exec (its execve), none\n"
		"                           (everything the runtime did too) or auto (default:\n"
		"                           seccomp-filter if its config has one, else exec)\n"
		"      --metrics ADDR       serve Prometheus metrics on http://ADDR/metrics while\n"
		"                           learning (e.g. 127.0.0.1:9464; default: off)\n"
		"  -e, --events FILE        write events as JSON lines to FILE (appended; '-' for\n"
		"                           standard output, with --output): learning began, each\n"
		"                           syscall, capability and executable when first seen,\n"
		"                           the profile written; SIGHUP then reopens FILE instead\n"
		"                           of stopping\n"
		"      --syscall-hook HOOK  trace syscalls with tp_btf, raw_tp or tracepoint\n"
		"                           (default: the first of those the kernel allows)\n"
		"      --cap-hook HOOK      trace capability checks with tp_btf, fexit or kprobe\n"
		"                           (default: the first of those the kernel allows)\n"
		"      --serve              stay resident for the OCI hook: keep learners loaded\n"
		"                           ahead of time and hand one to each container the hook\n"
		"                           asks to learn, so that the hook adds milliseconds to a\n"
		"                           container's start, not the time BPF takes to load\n"
		"      --socket PATH        with --serve: where the hook connects (default\n"
		"                           " EU_LEARN_SOCKET ")\n"
		"      --standby N          with --serve: learners kept loaded (default 1, up to 16)\n"
		"  -q, --quiet              print only errors\n"
		"  -v, --verbose            print each syscall, capability and executable when first\n"
		"                           seen; twice: also libbpf's debug output\n"
		"  -h, --help               show this help\n"
		"\n"
		"Each BPF mechanism is probed at start-up, with a fallback where the kernel\n"
		"refuses it; EUNOMIA_REFUSE=KIND[/TARGET],... refuses some on purpose.\n"
		"\n"
		"Exit status: 0 profile written; 2 usage; 3 bad profile (--merge); 4 I/O error;\n"
		"5 container not found; 6 kernel lacks BPF support; 7 runtime error; 8 COMMAND\n"
		"could not be started. See eunomia-learn(8).\n");
}

static int parse_hook(const char *s, const char *opt, const enum eu_hook *allowed, size_t n,
		      enum eu_hook *out, struct eu_err *err)
{
	enum eu_hook h = eu_hook_from_name(s);

	for (size_t i = 0; i < n; i++)
		if (h == allowed[i]) {
			*out = h;
			return 0;
		}
	return eu_fail(err, EU_E_USAGE, 0, "%s: unknown mechanism '%s'", opt, s);
}

enum { OPT_SYSCALL_HOOK = 256, OPT_CAP_HOOK, OPT_READY_FD, OPT_BOUNDARY, OPT_STANDBY };

/* learn --serve takes the tracer's options and its own; a container comes with each request. */
static int check_serve_args(int argc, char **argv, const struct learn_opts *o,
			    struct eu_err *err)
{
	const char *bad = o->output		? "--output"
			  : o->merge		? "--merge"
			  : o->duration > 0	? "--duration"
			  : o->until_quiet > 0	? "--until-quiet"
			  : o->checkpoint > 0	? "--checkpoint"
			  : o->runtime_root	? "--runtime-root"
			  : o->oci_state	? "--oci-state"
			  : o->ready_fd >= 0	? "--ready-fd"
			  : o->boundary >= 0	? "--boundary"
			  : o->metrics		? "--metrics"
			  : o->events		? "--events"
			  : NULL;

	if (bad)
		return eu_fail(err, EU_E_USAGE, 0,
			       "%s does not go with --serve: each container's request says where "
			       "its profile goes",
			       bad);
	if (optind < argc)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--serve learns the containers the OCI hook hands it ('%s' is extra)",
			       argv[optind]);
	return 0;
}

int learn_parse_args(int argc, char **argv, struct learn_opts *o, struct eu_err *err)
{
	static const enum eu_hook sys_hooks[] = { EU_HOOK_TP_BTF, EU_HOOK_RAW_TP,
						  EU_HOOK_TRACEPOINT };
	static const enum eu_hook cap_hooks[] = { EU_HOOK_TP_BTF, EU_HOOK_FEXIT, EU_HOOK_KPROBE };
	const struct eu_opt opts[] = {
		EU_OPT_STRING("output", 'o', &o->output),
		EU_OPT_STRING("merge", 'm', &o->merge),
		EU_OPT_DURATION(&o->duration),
		EU_OPT_SECONDS("until-quiet", 0, &o->until_quiet),
		EU_OPT_SECONDS("grace", 0, &o->grace),
		EU_OPT_STRING("runtime-root", 0, &o->runtime_root),
		EU_OPT_OWN("syscall-hook", OPT_SYSCALL_HOOK),
		EU_OPT_OWN("cap-hook", OPT_CAP_HOOK),
		EU_OPT_STRING("oci-state", 0, &o->oci_state),
		EU_OPT_OWN("ready-fd", OPT_READY_FD),
		EU_OPT_OWN("boundary", OPT_BOUNDARY),
		EU_OPT_METRICS(&o->metrics),
		EU_OPT_EVENTS(&o->events),
		EU_OPT_SECONDS("checkpoint", 0, &o->checkpoint),
		EU_OPT_FLAG("serve", 0, &o->serve),
		EU_OPT_STRING("socket", 0, &o->socket),
		EU_OPT_OWN("standby", OPT_STANDBY),
		EU_OPT_QUIET(&o->quiet),
		EU_OPT_VERBOSE(&o->verbose),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage };
	long fd;
	int c;

	o->grace = 5;
	o->ready_fd = -1;
	o->boundary = -1;
	while ((c = eu_getopt(&g, argc, argv, err)) > 0) {
		switch (c) {
		case OPT_SYSCALL_HOOK:
			if (parse_hook(optarg, "--syscall-hook", sys_hooks, EU_ARRAY_SIZE(sys_hooks),
				       &o->sys_hook, err))
				return -1;
			break;
		case OPT_CAP_HOOK:
			if (parse_hook(optarg, "--cap-hook", cap_hooks, EU_ARRAY_SIZE(cap_hooks),
				       &o->cap_hook, err))
				return -1;
			break;
		case OPT_READY_FD:
			if (!eu_parse_long(optarg, 3, 65535, &fd) || fcntl((int)fd, F_GETFD) < 0)
				return eu_fail(err, EU_E_USAGE, 0,
					       "--ready-fd expects an open file descriptor above 2, "
					       "not '%s'",
					       optarg);
			o->ready_fd = (int)fd;
			break;
		case OPT_BOUNDARY:
			o->boundary = strcmp(optarg, "auto") ? eu_boundary_from_name(optarg) : -1;
			if (o->boundary < 0 && strcmp(optarg, "auto"))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--boundary expects auto, seccomp-filter, exec or none, "
					       "not '%s'",
					       optarg);
			break;
		case OPT_STANDBY: {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > 16 || optarg[0] == '-')
				return eu_fail(err, EU_E_USAGE, 0,
					       "--standby expects a number of learners from 1 to 16, "
					       "not '%s'",
					       optarg);
			o->standby = (unsigned int)n;
			break;
		}
		}
	}
	if (c < 0)
		return -1;
	if (o->serve)
		return check_serve_args(argc, argv, o, err);
	if (o->socket || o->standby)
		return eu_fail(err, EU_E_USAGE, 0, "--socket and --standby go with --serve");
	if (o->checkpoint > 0 && (!o->output || !strcmp(o->output, "-")) && !o->merge)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--checkpoint writes the profile to a file: give --output FILE or "
			       "--merge FILE");
	if (o->events && !strcmp(o->events, "-") && (!o->output || !strcmp(o->output, "-")) &&
	    !o->merge)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--events - writes to standard output, where the profile goes: give "
			       "--output FILE too");
	if (optind > 1 && !strcmp(argv[optind - 1], "--")) {
		if (optind >= argc)
			return eu_fail(err, EU_E_USAGE, 0, "no command after '--'");
		o->command = argv + optind;
		if (o->boundary >= 0)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--boundary is for containers a runtime starts; a command "
				       "counts from its own execve");
		return 0;
	}
	if (o->oci_state) {
		if (optind < argc)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--oci-state names the container ('%s' is extra)", argv[optind]);
		return 0;
	}
	if (optind >= argc)
		return eu_fail(err, EU_E_USAGE, 0,
			       "name a container, or give a command after '--' (see --help)");
	if (argc - optind > 1)
		return eu_fail(err, EU_E_USAGE, 0,
			       "one container at a time ('%s' is extra); to run a command, put "
			       "'--' before it",
			       argv[optind + 1]);
	o->target = argv[optind];
	return 0;
}
