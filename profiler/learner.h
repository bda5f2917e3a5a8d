/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The learner: eunomia learn's options and one learning run (learn_opts.c,
 * learn.c), for its two front ends: the command (learn_cmd.c) and the resident
 * learner that serves the OCI hook (serve.c), which do not know each other.
 */
#ifndef EUNOMIA_LEARNER_H
#define EUNOMIA_LEARNER_H

#include <stdbool.h>

#include "bpf_probe.h"
#include "errors.h"
#include "profile.h"

struct tracer;

struct learn_opts {
	const char *output; /* NULL: stdout, or the --merge file */
	const char *merge;
	const char *runtime_root;
	double duration; /* seconds; 0 = until the container is gone */
	double until_quiet; /* --until-quiet SECONDS: end once nothing new came for that long */
	double grace;	 /* seconds a stopped command gets to exit */
	enum eu_hook sys_hook, cap_hook;
	int verbose;
	bool quiet;
	char **command; /* learn -- CMD ARGS */
	const char *target;
	const char *oci_state; /* --oci-state: the container an OCI hook was given */
	int ready_fd;	       /* --ready-fd: told "ready" once the container is followed */
	int boundary;	       /* --boundary: an enum eu_boundary, or -1 for auto */
	const char *metrics;   /* --metrics ADDR */
	const char *events;    /* --events FILE */
	double checkpoint;     /* --checkpoint SECONDS; 0: none */
	bool serve;	       /* --serve: a resident learner for the OCI hook */
	const char *socket;    /* --socket PATH (with --serve) */
	unsigned int standby;  /* --standby N (with --serve) */
};

/* argv as `eunomia learn` takes it (argv[0] is the command's name). */
int learn_parse_args(int argc, char **argv, struct learn_opts *o, struct eu_err *err);

/*
 * One learning run, to the profile written. *standby, when given, is a tracer
 * loaded ahead of time: used (and taken: *standby becomes NULL) when it was
 * loaded with the options this run needs, else left for the caller to close.
 */
int learn_run(struct learn_opts *o, struct tracer **standby, struct eu_err *err);

#endif
