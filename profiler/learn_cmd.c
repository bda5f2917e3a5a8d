// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia learn, the command: its options, then one learning run (learn.c) or
 * the resident learner that serves the OCI hook (serve.c). Neither of those
 * knows the other: both go through learner.h.
 */
#include "commands.h"
#include "errors.h"
#include "learner.h"
#include "serve.h"

#define PROG "eunomia learn"

int cmd_learn(int argc, char **argv)
{
	struct learn_opts o = { 0 };
	struct eu_err err = { 0 };

	if (learn_parse_args(argc, argv, &o, &err))
		return eu_report(&err, PROG);
	if (o.serve)
		return learn_serve(&o, &err) ? eu_report(&err, PROG) : 0;
	if (learn_run(&o, NULL, &err))
		return eu_report(&err, PROG);
	return 0;
}
