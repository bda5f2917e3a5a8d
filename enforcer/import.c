// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia import: a Docker/podman seccomp profile (JSON) as an eunomia profile,
 * resolved for one container's capabilities on this host, written atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "caps.h"
#include "cleanup.h"
#include "cmdopts.h"
#include "commands.h"
#include "docker_profile.h"
#include "file.h"
#include "profile_yaml.h"

#define PROG "eunomia import"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia import [OPTIONS] FILE\n"
		"\n"
		"Read a Docker or podman seccomp profile (the JSON file podman run takes as its\n"
		"seccomp security option) and write it as an eunomia profile, resolved as podman\n"
		"resolves it for a container: by the container's capabilities, this host's\n"
		"architecture and the running kernel.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE   write the profile to FILE, atomically (default: stdout)\n"
		"      --caps LIST     the container's capabilities, comma-separated (default:\n"
		"                      podman's: " EU_PODMAN_DEFAULT_CAPS ")\n"
		"  -q, --quiet         print only errors\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 written; 2 usage; 3 the file is not a profile eunomia can\n"
		"read; 4 I/O error. See eunomia-import(8).\n");
}

int cmd_import(int argc, char **argv)
{
	const char *output = NULL, *caps = EU_PODMAN_DEFAULT_CAPS, *input;
	struct eu_import_opts o = { 0 };
	_cleanup_free_ char *buf = NULL;
	struct eu_err err = { 0 };
	struct eu_profile *p = NULL;
	struct utsname un;
	size_t len, skipped = 0;
	bool quiet = false;
	const struct eu_opt opts[] = {
		EU_OPT_STRING("output", 'o', &output),
		EU_OPT_STRING("caps", 0, &caps),
		EU_OPT_QUIET(&quiet),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage };

	if (eu_getopt(&g, argc, argv, &err))
		return eu_report(&err, PROG);
	if (optind != argc - 1) {
		eu_fail(&err, EU_E_USAGE, 0, "give one profile file to import (see --help)");
		return eu_report(&err, PROG);
	}
	input = argv[optind];
	if (eu_caps_parse_list(caps, &o.caps, &err))
		return eu_report(&err, PROG);
	o.kernel = uname(&un) == 0 ? un.release : NULL;
	p = eu_profile_new();
	if (!p) {
		eu_fail(&err, EU_E_INTERNAL, 0, "out of memory");
		return eu_report(&err, PROG);
	}
	if (eu_read_file(input, EU_INPUT_MAX, &buf, &len, &err) ||
	    eu_docker_import(input, buf, len, &o, p, &skipped, &err) ||
	    eu_set_str(&p->meta.kernel, o.kernel, &err) ||
	    eu_profile_save(p, output, &err)) {
		eu_profile_free(p);
		return eu_report(&err, PROG);
	}
	if (!quiet)
		fprintf(stderr,
			PROG ": %s: %zu syscalls allowed (x86_64 %zu, i386 %zu, x32 %zu) and %zu "
			     "rules; %zu names unknown on an architecture skipped; profile written "
			     "to %s\n",
			input, eu_profile_syscall_total(p, -1),
			eu_profile_syscall_total(p, EU_ARCH_X86_64),
			eu_profile_syscall_total(p, EU_ARCH_I386),
			eu_profile_syscall_total(p, EU_ARCH_X32), p->nrules, skipped,
			output ? output : "standard output");
	eu_profile_free(p);
	return 0;
}
