// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia monitor's options: --help, and argv into struct monitor_opts
 * (monitor_int.h), with the checks that need no kernel and no running monitor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdopts.h"
#include "monitor_int.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia monitor [OPTIONS]\n"
		"       eunomia monitor --attach CONTAINER --profile PROFILE [OPTIONS]\n"
		"       eunomia monitor --list | --reset\n"
		"\n"
		"Hold registered containers to their profiles at run time and report every\n"
		"violation as a JSON line: syscalls outside the profile, capabilities it never\n"
		"used, executables it never ran, and every syscall seccomp refused a held\n"
		"container (see eunomia denials). The checks stay in the kernel (pinned under\n"
		MON_PIN_DIR ") when the daemon stops, and a new daemon picks them up.\n"
		"With a monitor already running, --attach registers the container with it and\n"
		"returns.\n"
		"\n"
		"Options:\n"
		"  -a, --attach CONTAINER   hold a running container (runc or crun id, Docker\n"
		"                           or podman name or id, pid:N) to --profile\n"
		"  -p, --profile PROFILE    the profile for --attach: a file, or a name (no '/')\n"
		"                           for --profiles DIR/NAME.yaml\n"
		"      --profiles DIR       where profiles named without a path are: for\n"
		"                           --attach and the OCI hook's io.eunomia.profile=NAME\n"
		"      --kill               end an offending process with SIGKILL\n"
		"      --block              refuse what the profile does not allow with EPERM\n"
		"                           (capabilities, executions; needs BPF-LSM)\n"
		"      --no-denials         do not watch for syscalls seccomp refused (no\n"
		"                           sys_exit and signal_generate programs)\n"
		"      --agent              be the monitor's seccomp agent, which the monitor\n"
		"                           starts itself (see eunomia-monitor(8))\n"
		"  -e, --events FILE        append events to FILE, reopened on SIGHUP (default:\n"
		"                           standard output)\n"
		"      --metrics ADDR       serve Prometheus metrics on http://ADDR/metrics\n"
		"                           (e.g. 127.0.0.1:9464; default: off)\n"
		"      --runtime-root DIR   state directory of runc/crun for --attach\n"
		"  -d, --duration SECONDS   stop after SECONDS (the checks stay)\n"
		"      --list               print the containers held now, one a line: slot,\n"
		"                           id, name, init pid, processes, profile\n"
		"      --reset              unpin every program and map: monitoring ends\n"
		"  -q, --quiet              print only errors on standard error\n"
		"  -v, --verbose            libbpf's messages too\n"
		"  -h, --help               show this help\n"
		"\n"
		"Each BPF mechanism is probed at start-up, with a fallback where the kernel\n"
		"refuses it; EUNOMIA_REFUSE=KIND[/TARGET],... refuses some on purpose.\n"
		"\n"
		"Exit status: 0 done; 2 usage; 3 bad profile; 4 I/O error; 5 container not\n"
		"found; 6 the kernel lacks what is needed; 7 another monitor runs. See\n"
		"eunomia-monitor(8).\n");
}

enum { OPT_PROFILES = 256 };

int monitor_parse_args(int argc, char **argv, struct monitor_opts *o, struct eu_err *err)
{
	const struct eu_opt opts[] = {
		EU_OPT_STRING("attach", 'a', &o->attach),
		EU_OPT_STRING("profile", 'p', &o->profile),
		EU_OPT_EVENTS(&o->events),
		EU_OPT_DURATION(&o->duration),
		EU_OPT_FLAG("kill", 0, &o->kill),
		EU_OPT_FLAG("block", 0, &o->block),
		EU_OPT_FLAG("no-denials", 0, &o->no_denials),
		EU_OPT_FLAG("agent", 0, &o->agent),
		EU_OPT_FLAG("reset", 0, &o->reset),
		EU_OPT_FLAG("list", 0, &o->list),
		EU_OPT_OWN("profiles", OPT_PROFILES),
		EU_OPT_METRICS(&o->metrics),
		EU_OPT_STRING("runtime-root", 0, &o->runtime_root),
		EU_OPT_QUIET(&o->quiet),
		EU_OPT_VERBOSE(&o->verbose),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage, .no_operands = true };
	struct stat st;
	int c;

	/* --profiles, the one option eu_getopt() cannot store */
	while ((c = eu_getopt(&g, argc, argv, err)) > 0) {
		if (optarg[0] != '/' ||
		    strlen(optarg) >= sizeof(((struct mon_config *)0)->profiles_dir) ||
		    stat(optarg, &st) < 0 || !S_ISDIR(st.st_mode))
			return eu_fail(err, EU_E_USAGE, 0,
				       "--profiles expects the absolute path of a directory, not '%s'",
				       optarg);
		o->profiles = optarg;
	}
	if (c < 0)
		return -1;
	if (!!o->attach != !!o->profile)
		return eu_fail(err, EU_E_USAGE, 0, "--attach and --profile go together");
	if ((o->reset || o->list || o->agent) &&
	    (o->attach || o->kill || o->block || o->events || o->profiles || o->metrics ||
	     o->no_denials || o->reset + o->list + o->agent > 1))
		return eu_fail(err, EU_E_USAGE, 0, "--%s takes no other option",
			       o->reset ? "reset" : o->list ? "list" : "agent");
	return 0;
}
