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

enum { OPT_KILL = 256, OPT_BLOCK, OPT_RESET, OPT_LIST, OPT_RUNTIME_ROOT, OPT_PROFILES,
       OPT_NO_DENIALS, OPT_AGENT };

int monitor_parse_args(int argc, char **argv, struct monitor_opts *o, struct eu_err *err)
{
	static const struct option longopts[] = {
		{ "attach", required_argument, NULL, 'a' },
		{ "profile", required_argument, NULL, 'p' },
		EU_OPT_EVENTS,
		EU_OPT_DURATION,
		{ "kill", no_argument, NULL, OPT_KILL },
		{ "block", no_argument, NULL, OPT_BLOCK },
		{ "no-denials", no_argument, NULL, OPT_NO_DENIALS },
		{ "agent", no_argument, NULL, OPT_AGENT },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "profiles", required_argument, NULL, OPT_PROFILES },
		EU_OPT_METRICS,
		{ "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
		EU_OPT_QUIET,
		EU_OPT_VERBOSE,
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .shortopts = "+:a:p:e:d:qvh", .longopts = longopts, .usage = usage,
			       .quiet = &o->quiet, .verbose = &o->verbose, .duration = &o->duration,
			       .events = &o->events, .metrics = &o->metrics, .no_operands = true };
	int c;

	while ((c = eu_getopt(&g, argc, argv, err)) > 0) {
		switch (c) {
		case 'a':
			o->attach = optarg;
			break;
		case 'p':
			o->profile = optarg;
			break;
		case OPT_KILL:
			o->kill = true;
			break;
		case OPT_BLOCK:
			o->block = true;
			break;
		case OPT_NO_DENIALS:
			o->no_denials = true;
			break;
		case OPT_AGENT:
			o->agent = true;
			break;
		case OPT_RESET:
			o->reset = true;
			break;
		case OPT_LIST:
			o->list = true;
			break;
		case OPT_RUNTIME_ROOT:
			o->runtime_root = optarg;
			break;
		case OPT_PROFILES: {
			struct stat st;

			if (optarg[0] != '/' ||
			    strlen(optarg) >= sizeof(((struct mon_config *)0)->profiles_dir) ||
			    stat(optarg, &st) < 0 || !S_ISDIR(st.st_mode))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--profiles expects the absolute path of a "
					       "directory, not '%s'",
					       optarg);
			o->profiles = optarg;
			break;
		}
		}
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
