// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia denials: what seccomp refused the containers the monitor holds, from
 * its event file, grouped by container and syscall; with --fix, those
 * syscalls (or their arguments' values) folded into the container's profile,
 * the change shown as a diff and the profile written atomically.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdopts.h"
#include "commands.h"
#include "denials.h"
#include "file.h"
#include "linediff.h"
#include "profile_yaml.h"
#include "syscalls.h"

#define PROG "eunomia denials"

struct denials_opts {
	const char *events; /* "-": standard input */
	const char *container;
	const char *since;
	const char *fix; /* the profile to fold the denials into */
	bool dry_run, quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia denials [--events FILE] [--container NAME] [--since TIME]\n"
		"       eunomia denials [OPTIONS] --fix PROFILE [--dry-run]\n"
		"\n"
		"Print the syscalls seccomp refused the containers the monitor held (its\n"
		"events with \"by\": \"seccomp\"), one line for each container, syscall and\n"
		"answer: how many times, first and last. With --fix, allow those syscalls in\n"
		"PROFILE: the change is printed as a diff, then the profile is written\n"
		"atomically; enforce it again for it to take effect. A syscall whose argument\n"
		"learning records (socket's family, clone's and unshare's namespaces, setns,\n"
		"prctl, personality, ioctl's request) is allowed for the values refused only,\n"
		"a rule each (\"socket: allow if arg0 == 16\"); one the profile restricts so\n"
		"whose value the events do not give (clone3's) is left as it is, and said so.\n"
		"\n"
		"Options:\n"
		"  -e, --events FILE        the monitor's event file (eunomia monitor -e FILE);\n"
		"                           - or none: standard input\n"
		"  -c, --container NAME     only this container (its name or its id)\n"
		"  -s, --since TIME         only events from TIME on: RFC 3339\n"
		"                           (2026-11-25T16:00:00Z) or a duration ago (90s, 10m,\n"
		"                           2h, 1d, 1h30m)\n"
		"      --fix PROFILE        allow the refused syscalls (or values) in PROFILE (of\n"
		"                           one container: give --container when there are\n"
		"                           several)\n"
		"  -n, --dry-run            with --fix: print the change, write nothing\n"
		"  -q, --quiet              print only errors on standard error\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: 0 done (also when nothing was refused); 2 usage; 3 a line of the\n"
		"event file is not an event, or PROFILE is not a valid profile; 4 I/O error.\n"
		"See eunomia-denials(8).\n");
}

static int parse_args(int argc, char **argv, struct denials_opts *o, struct eu_err *err)
{
	const struct eu_opt opts[] = {
		EU_OPT_EVENTS(&o->events),
		EU_OPT_STRING("container", 'c', &o->container),
		EU_OPT_STRING("since", 's', &o->since),
		EU_OPT_STRING("fix", 0, &o->fix),
		EU_OPT_FLAG("dry-run", 'n', &o->dry_run),
		EU_OPT_QUIET(&o->quiet),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage, .no_operands = true };

	if (eu_getopt(&g, argc, argv, err))
		return -1;
	if (o->dry_run && !o->fix)
		return eu_fail(err, EU_E_USAGE, 0, "--dry-run goes with --fix PROFILE");
	if (!o->events) {
		if (isatty(STDIN_FILENO))
			return eu_fail(err, EU_E_USAGE, 0,
				       "which events? give the monitor's event file with --events "
				       "FILE, or pipe it in");
		o->events = "-";
	}
	return 0;
}

/* The event file's name in messages. */
static const char *events_name(const struct denials_opts *o)
{
	return !o->events || !strcmp(o->events, "-") ? "standard input" : o->events;
}

static int read_events(const struct denials_opts *o, const struct eu_denials_filter *f,
		       struct eu_denials *d, struct eu_err *err)
{
	const char *path = o->events ? o->events : "-";
	bool is_stdin = !strcmp(path, "-");
	const char *name = events_name(o);
	FILE *in = is_stdin ? stdin : fopen(path, "re");
	int rc;

	if (!in)
		return eu_fail(err, EU_E_IO, errno, "cannot open the event file %s", path);
	rc = eu_denials_read(d, f, in, name, err);
	if (!is_stdin)
		(void)fclose(in); /* read only: nothing to lose */
	return rc;
}

/* "2026-11-25T16:21:19Z": to the second, as people compare them. */
static void format_time(const struct timespec *t, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t->tv_sec, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "?");
}

/* What the process got: the errno's name, or the signal's. */
static void format_result(const struct eu_denial *r, char *buf, size_t size)
{
	const char *name = r->killed ? sigabbrev_np(r->code) : strerrorname_np(r->code);

	if (name)
		snprintf(buf, size, "%s%s", r->killed ? "SIG" : "", name);
	else
		snprintf(buf, size, "%s %d", r->killed ? "signal" : "errno", r->code);
}

static void format_syscall(const struct eu_denial *r, char *buf, size_t size)
{
	if (r->syscall)
		snprintf(buf, size, "%s", r->syscall);
	else
		snprintf(buf, size, "#%d", r->nr);
}

/* One aligned table: CONTAINER SYSCALL ARCH ACTION RESULT COUNT FIRST LAST. */
static int print_table(const struct eu_denials *d, struct eu_err *err)
{
	static const char *const head[] = { "CONTAINER", "SYSCALL", "ARCH", "ACTION",
					    "RESULT",	 "COUNT",   "FIRST", "LAST" };
	int w[EU_ARRAY_SIZE(head)];
	char cell[EU_ARRAY_SIZE(head)][160];

	for (size_t c = 0; c < EU_ARRAY_SIZE(head); c++)
		w[c] = (int)strlen(head[c]);
	/* two passes: the widths, then the lines */
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s\n", w[0], head[0], w[1],
			       head[1], w[2], head[2], w[3], head[3], w[4], head[4], w[5], head[5], w[6],
			       head[6], head[7]);
		for (size_t i = 0; i < d->n; i++) {
			const struct eu_denial *r = &d->v[i];

			snprintf(cell[0], sizeof(cell[0]), "%s", r->container);
			format_syscall(r, cell[1], sizeof(cell[1]));
			snprintf(cell[2], sizeof(cell[2]), "%s", eu_arch_name(r->arch));
			snprintf(cell[3], sizeof(cell[3]), "%s", r->killed ? "killed" : "denied");
			format_result(r, cell[4], sizeof(cell[4]));
			snprintf(cell[5], sizeof(cell[5]), "%llu", (unsigned long long)r->count);
			format_time(&r->first, cell[6], sizeof(cell[6]));
			format_time(&r->last, cell[7], sizeof(cell[7]));
			for (size_t c = 0; !pass && c < EU_ARRAY_SIZE(head); c++)
				if ((int)strlen(cell[c]) > w[c])
					w[c] = (int)strlen(cell[c]);
			if (pass)
				printf("%-*s  %-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s\n", w[0], cell[0],
				       w[1], cell[1], w[2], cell[2], w[3], cell[3], w[4], cell[4], w[5],
				       cell[5], w[6], cell[6], cell[7]);
		}
	}
	if (fflush(stdout) || ferror(stdout))
		return eu_fail(err, EU_E_IO, errno, "cannot write to standard output");
	return 0;
}

/* The one container --fix is about: --container's, or the only one refused anything. */
static int fix_container(const struct denials_opts *o, const struct eu_denials *d,
			 const char **out, struct eu_err *err)
{
	char names[256] = "";
	size_t off = 0, n = 0;

	*out = o->container;
	if (o->container)
		return 0;
	for (size_t i = 0; i < d->n; i++) {
		if (i && !strcmp(d->v[i].container, d->v[i - 1].container))
			continue; /* sorted: a container's rows follow each other */
		if (off < sizeof(names))
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", n ? ", " : "",
						d->v[i].container);
		n++;
	}
	if (n > 1)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--fix folds one container's denials into its profile, and %zu "
			       "containers had some (%s): choose one with --container",
			       n, names);
	*out = d->n ? d->v[0].container : NULL;
	return 0;
}

/* The entries of sv joined by ", " (free it); NULL without memory. */
static char *join(const struct eu_strv *sv)
{
	size_t len = 1, off = 0;
	char *s;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 2;
	s = calloc(1, len);
	for (size_t i = 0; s && i < sv->n; i++)
		off += (size_t)snprintf(s + off, len - off, "%s%s", i ? ", " : "", sv->v[i]);
	return s;
}

/*
 * What --fix left as it was, a line each, then what it changed, in one: "would
 * allow 1 syscall in p.yaml: acct, and add 2 rules: socket: allow if arg0 ==
 * 16, ..." (--dry-run), or "p.yaml now allows ...".
 */
static int summarize(const struct denials_opts *o, const struct eu_denials_fix *fx,
		     struct eu_err *err)
{
	_cleanup_free_ char *allowed = join(&fx->allowed), *rules = join(&fx->rules);
	size_t na = fx->allowed.n, nr = fx->rules.n;

	if (!allowed || !rules)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "listing the changes");
	if (o->quiet)
		return 0;
	for (size_t i = 0; i < fx->left.n; i++)
		fprintf(stderr, PROG ": left as it is in %s: %s\n", o->fix, fx->left.v[i]);
	if (!na && !nr)
		return 0;
	if (o->dry_run && !nr)
		fprintf(stderr, PROG ": would allow %zu syscall%s in %s: %s (--dry-run: nothing "
				     "written)\n",
			na, na == 1 ? "" : "s", o->fix, allowed);
	else if (o->dry_run && !na)
		fprintf(stderr, PROG ": would add %zu rule%s to %s: %s (--dry-run: nothing "
				     "written)\n",
			nr, nr == 1 ? "" : "s", o->fix, rules);
	else if (o->dry_run)
		fprintf(stderr, PROG ": would allow %zu syscall%s in %s: %s, and add %zu rule%s: "
				     "%s (--dry-run: nothing written)\n",
			na, na == 1 ? "" : "s", o->fix, allowed, nr, nr == 1 ? "" : "s", rules);
	else if (!nr)
		fprintf(stderr, PROG ": %s now allows %zu more syscall%s: %s; enforce it again "
				     "for the container to get them\n",
			o->fix, na, na == 1 ? "" : "s", allowed);
	else if (!na)
		fprintf(stderr, PROG ": %s has %zu more rule%s: %s; enforce it again for the "
				     "container to get %s\n",
			o->fix, nr, nr == 1 ? "" : "s", rules, nr == 1 ? "it" : "them");
	else
		fprintf(stderr, PROG ": %s now allows %zu more syscall%s: %s, and has %zu more "
				     "rule%s: %s; enforce it again for the container to get "
				     "them\n",
			o->fix, na, na == 1 ? "" : "s", allowed, nr, nr == 1 ? "" : "s", rules);
	return 0;
}

/* --fix: fold, show, write. */
static int fix(const struct denials_opts *o, const struct eu_denials *d, struct eu_err *err)
{
	_cleanup_free_ char *old = NULL, *new = NULL;
	struct eu_denials_fix fx = { 0 };
	struct eu_profile *p = NULL;
	const char *container;
	size_t len, new_len, changed;
	int rc = -1;

	if (fix_container(o, d, &container, err) ||
	    eu_read_file(o->fix, EU_INPUT_MAX, &old, &len, err))
		return -1;
	p = eu_profile_new();
	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading %s", o->fix);
	if (eu_profile_parse(o->fix, old, len, p, err) ||
	    eu_denials_fold(d, container, p, &fx, err))
		goto out;
	if (!fx.allowed.n && !fx.rules.n) {
		rc = summarize(o, &fx, err);
		if (!rc && !o->quiet && fx.left.n)
			fprintf(stderr, PROG ": nothing to change in %s\n", o->fix);
		else if (!rc && !o->quiet)
			fprintf(stderr, PROG ": %s already allows every syscall refused%s%s: nothing "
					     "to change\n",
				o->fix, container ? " to " : "", container ? container : "");
		goto out;
	}
	if (eu_profile_emit(p, &new, &new_len, err) ||
	    eu_line_diff(stdout, o->fix, old, o->fix, new, &changed, err))
		goto out;
	if (fflush(stdout) || ferror(stdout)) {
		eu_fail(err, EU_E_IO, errno, "cannot write to standard output");
		goto out;
	}
	if (!o->dry_run && eu_write_file_atomic(o->fix, new, new_len, 0644, err))
		goto out;
	rc = summarize(o, &fx, err);
out:
	eu_denials_fix_free(&fx);
	eu_profile_free(p);
	return rc;
}

static int run(const struct denials_opts *o, struct eu_err *err)
{
	struct eu_denials_filter f = { .container = o->container };
	struct eu_denials d = { 0 };
	struct timespec now;
	int rc = -1;

	if (o->since) {
		clock_gettime(CLOCK_REALTIME, &now);
		if (eu_since_parse(o->since, &now, &f.since, err))
			return -1;
		f.since_set = true;
	}
	if (read_events(o, &f, &d, err))
		goto out;
	eu_denials_sort(&d);
	if (!d.n && !o->quiet)
		fprintf(stderr, PROG ": seccomp refused nothing%s%s%s%s in %s\n",
			o->container ? " to " : "", o->container ? o->container : "",
			o->since ? " since " : "", o->since ? o->since : "", events_name(o));
	if (o->fix)
		rc = d.n ? fix(o, &d, err) : 0;
	else
		rc = d.n ? print_table(&d, err) : 0;
out:
	eu_denials_free(&d);
	return rc;
}

EU_DEFINE_COMMAND(cmd_denials, struct denials_opts, parse_args, run, PROG)
