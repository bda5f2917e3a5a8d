// SPDX-License-Identifier: GPL-2.0-only
/* Syscalls seccomp refused, from the monitor's event stream (see denials.h). */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "cleanup.h"
#include "denials.h"
#include "json.h"
#include "syscalls.h"

/* ---- times ---------------------------------------------------------------------------- */

/* Exactly n ASCII digits at *p, as a number; *p moves past them. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, const char *chars)
{
	if (!**p || !strchr(chars, **p))
		return false;
	(*p)++;
	return true;
}

int eu_time_parse(const char *s, struct timespec *out)
{
	int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	long nsec = 0;
	struct tm tm = { 0 }, check;
	time_t t;

	if (!digits(&p, 4, &year) || !expect(&p, "-") || !digits(&p, 2, &mon) ||
	    !expect(&p, "-") || !digits(&p, 2, &day) || !expect(&p, "Tt ") ||
	    !digits(&p, 2, &hour) || !expect(&p, ":") || !digits(&p, 2, &min) ||
	    !expect(&p, ":") || !digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		long scale = 100000000;

		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			nsec += scale * (*p - '0');
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (!digits(&p, 2, &oh) || !expect(&p, ":") || !digits(&p, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* 2026-02-30 is not a day: timegm() would make it March the 2nd */
	if (t == (time_t)-1 || !gmtime_r(&t, &check) || check.tm_mday != day ||
	    check.tm_mon != mon - 1)
		return -1;
	out->tv_sec = t - sign * ((time_t)oh * 3600 + (time_t)om * 60);
	out->tv_nsec = nsec;
	return 0;
}

int eu_since_parse(const char *s, const struct timespec *now, struct timespec *out,
		   struct eu_err *err)
{
	const char *p = s;
	long long total = 0;

	if (!eu_time_parse(s, out))
		return 0;
	do {
		long long v = 0;
		int unit;

		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > 100LL * 366 * 86400)
				goto bad;
		}
		switch (*p++) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		default:
			goto bad;
		}
		total += v * unit;
		if (total > 100LL * 366 * 86400)
			goto bad;
	} while (*p);
	out->tv_sec = now->tv_sec - (time_t)total;
	out->tv_nsec = now->tv_nsec;
	return 0;
bad:
	return eu_fail(err, EU_E_USAGE, 0,
		       "--since expects an RFC 3339 time (2026-11-25T16:00:00Z) or a duration "
		       "(90s, 10m, 2h, 1d, 1h30m; up to 100 years), not '%s'",
		       s);
}

static int ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return a->tv_nsec < b->tv_nsec ? -1 : a->tv_nsec > b->tv_nsec;
}

/* ---- events --------------------------------------------------------------------------- */

/* One line as a JSON object (EU_E_PROFILE naming FILE:LINE:COLUMN when it is none). */
static int parse_line(const char *line, size_t len, const char *name, size_t lineno,
		      struct json_object **out, struct eu_err *err)
{
	struct json_tokener *tok = json_tokener_new_ex(EU_JSON_DEPTH);
	enum json_tokener_error jerr;
	struct json_object *o;
	size_t end;

	if (!tok)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot create a JSON parser");
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (jerr == json_tokener_success && end < len && isspace((unsigned char)line[end]))
		end++;
	if (jerr != json_tokener_success || end < len) {
		json_object_put(o);
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: not a JSON event: %s", name, lineno,
			       end + 1,
			       jerr == json_tokener_continue ? "the line ends inside it"
			       : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
							      : "text after it");
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu: not a JSON event: not an object", name,
			       lineno);
	}
	*out = o;
	return 0;
}

/* An integer member of `o` from min to max; absent, `dflt` when that is >= 0. */
static int number(struct json_object *o, const char *key, int64_t min, int64_t max, int64_t dflt,
		  int64_t *out)
{
	int rc = eu_json_int(o, key, out);

	if (rc == 1 && dflt >= 0) {
		*out = dflt;
		return 0;
	}
	return rc == 0 && *out >= min && *out <= max ? 0 : -1;
}

static bool same_row(const struct eu_denial *r, const char *container, int arch, int nr,
		     bool killed, int code)
{
	return r->arch == arch && r->nr == nr && r->killed == killed && r->code == code &&
	       !strcmp(r->container, container);
}

/* The row of a container's syscall refused one way, added when there is none yet. */
static struct eu_denial *row_of(struct eu_denials *d, const char *container, const char *syscall,
				int arch, int nr, bool killed, int code, const struct timespec *when,
				struct eu_err *err)
{
	struct eu_denial *r;

	for (size_t i = 0; i < d->n; i++)
		if (same_row(&d->v[i], container, arch, nr, killed, code))
			return &d->v[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct eu_denial *v = reallocarray(d->v, cap, sizeof(*v));

		if (!v) {
			eu_fail(err, EU_E_INTERNAL, ENOMEM, "grouping denials");
			return NULL;
		}
		d->v = v;
		d->cap = cap;
	}
	r = &d->v[d->n];
	*r = (struct eu_denial){ .arch = arch, .nr = nr, .killed = killed, .code = code,
				 .first = *when, .last = *when };
	r->container = strdup(container);
	r->syscall = syscall ? strdup(syscall) : NULL;
	if (!r->container || (syscall && !r->syscall)) {
		free(r->container);
		free(r->syscall);
		eu_fail(err, EU_E_INTERNAL, ENOMEM, "grouping denials");
		return NULL;
	}
	d->n++;
	return r;
}

/* One event more for row r: `count` refusals at `when`, of argument `value` (NULL: not given). */
static int add_to_row(struct eu_denial *r, uint64_t count, const struct timespec *when,
		      const uint64_t *value, struct eu_err *err)
{
	uint64_t *v;

	r->count = r->count + count < r->count ? UINT64_MAX : r->count + count;
	r->events++;
	if (ts_cmp(when, &r->first) < 0)
		r->first = *when;
	if (ts_cmp(when, &r->last) > 0)
		r->last = *when;
	if (!value)
		return 0;
	for (size_t i = 0; i < r->nvalues; i++)
		if (r->values[i] == *value)
			return 0;
	v = reallocarray(r->values, r->nvalues + 1, sizeof(*v));
	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "grouping denials");
	r->values = v;
	r->values[r->nvalues++] = *value;
	return 0;
}

/*
 * The argument eunomia learns of syscall nr of arch (spec s), from the event's
 * syscall object, as its rule holds it (clone's namespace bits): 1 given, 0
 * not given (no "args"), -1 "args" is not a list of six hex strings.
 */
static int arg_value(const struct eu_argspec *s, int arch, int nr, struct json_object *sc,
		     uint64_t *out)
{
	struct json_object *args = NULL, *a;
	const char *hex;
	struct eu_rule rule;
	char *end;
	uint64_t v;

	if (!json_object_object_get_ex(sc, "args", &args) || !args)
		return 0;
	if (!json_object_is_type(args, json_type_array) || json_object_array_length(args) != 6)
		return -1;
	a = json_object_array_get_idx(args, s->arg);
	hex = json_object_is_type(a, json_type_string) ? json_object_get_string(a) : NULL;
	if (!hex || strncmp(hex, "0x", 2) || !isxdigit((unsigned char)hex[2]))
		return -1;
	errno = 0;
	v = strtoull(hex + 2, &end, 16);
	if (*end || errno)
		return -1;
	eu_argspec_rule(s, arch, nr, v, &rule);
	return eu_argspec_rule_value(s, &rule, out) ? 1 : 0;
}

/* The denial an event is, if it is one that `f` keeps; *o is the event. */
static int add_event(struct eu_denials *d, const struct eu_denials_filter *f, struct json_object *o,
		     const char *name, size_t lineno, struct eu_err *err)
{
	struct json_object *ct, *sc, *how;
	const char *by = eu_json_str(o, "by"), *action, *stamp, *cname, *cid, *arch_name, *missing;
	const struct eu_argspec *spec = NULL;
	struct eu_denial *r;
	struct timespec when;
	int64_t nr, code, count;
	uint64_t value = 0;
	int arch, given = 0;
	bool killed;

	if (!by || strcmp(by, "seccomp"))
		return 0; /* not a denial */
	action = eu_json_str(o, "action");
	stamp = eu_json_str(o, "time");
	ct = eu_json_get(o, "container", json_type_object);
	sc = eu_json_get(o, "syscall", json_type_object);
	cname = eu_json_str(ct, "name");
	cid = eu_json_str(ct, "id");
	arch_name = eu_json_str(sc, "arch");
	killed = action && !strcmp(action, "killed");
	how = eu_json_get(o, killed ? "signal" : "errno", json_type_object);
	if (!action || (!killed && strcmp(action, "denied")))
		missing = "an action (denied or killed)";
	else if (!stamp || eu_time_parse(stamp, &when))
		missing = "an RFC 3339 time";
	else if (!cname && !cid)
		missing = "a container name or id";
	else if (!arch_name || (arch = eu_arch_from_name(arch_name)) < 0)
		missing = "a syscall.arch (x86_64, i386 or x32)";
	else if (number(sc, "nr", 0, EU_NR_MAX - 1, -1, &nr))
		missing = "a syscall.nr";
	else if (number(how, "nr", 1, killed ? 64 : 4095, -1, &code))
		missing = killed ? "a signal.nr" : "an errno.nr";
	else if (number(o, "count", 1, INT64_MAX, 1, &count))
		missing = "a positive count";
	/* clone3's flags are behind a pointer: its argument says nothing */
	else if ((spec = eu_argspec_held(arch, (int)nr)) && spec->kind != EU_ARGK_CLONE3 &&
		 (given = arg_value(spec, arch, (int)nr, sc, &value)) < 0)
		missing = "a syscall.args of six hex strings (\"0x10\")";
	else
		missing = NULL;
	if (missing)
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu: a denial (\"by\": \"seccomp\") without %s",
			       name, lineno, missing);
	if (!cname)
		cname = cid;
	if (f->container && strcmp(f->container, cname) && (!cid || strcmp(f->container, cid)))
		return 0;
	if (f->since_set && ts_cmp(&when, &f->since) < 0)
		return 0;
	r = row_of(d, cname, eu_json_str(sc, "name"), arch, (int)nr, killed, (int)code, &when,
		   err);
	if (!r)
		return -1;
	if (spec && spec->kind != EU_ARGK_CLONE3 && !given)
		r->value_missing = true;
	return add_to_row(r, (uint64_t)count, &when, given ? &value : NULL, err);
}

int eu_denials_add_line(struct eu_denials *d, const struct eu_denials_filter *f, const char *line,
			size_t len, const char *name, size_t lineno, struct eu_err *err)
{
	struct json_object *o;
	size_t i;
	int rc;

	for (i = 0; i < len && isspace((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0; /* a blank line */
	if (len > EU_DENIAL_LINE_MAX)
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu: a line longer than %u bytes: not an event",
			       name, lineno, EU_DENIAL_LINE_MAX);
	if (memchr(line, '\0', len))
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu: a NUL byte: not a JSON event", name,
			       lineno);
	if (parse_line(line, len, name, lineno, &o, err))
		return -1;
	rc = add_event(d, f, o, name, lineno, err);
	json_object_put(o);
	return rc;
}

int eu_denials_read(struct eu_denials *d, const struct eu_denials_filter *f, FILE *in,
		    const char *name, struct eu_err *err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	errno = 0;
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		if (eu_denials_add_line(d, f, line, (size_t)n, name, lineno, err))
			return -1;
		errno = 0;
	}
	if (ferror(in))
		return eu_fail(err, EU_E_IO, errno, "cannot read %s", name);
	return 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct eu_denial *a = pa, *b = pb;
	int c = strcmp(a->container, b->container);

	if (c)
		return c;
	if (a->syscall && b->syscall && (c = strcmp(a->syscall, b->syscall)))
		return c;
	if (!a->syscall != !b->syscall)
		return a->syscall ? -1 : 1; /* named ones first */
	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	if (a->arch != b->arch)
		return a->arch < b->arch ? -1 : 1;
	if (a->killed != b->killed)
		return a->killed ? 1 : -1;
	return a->code < b->code ? -1 : a->code > b->code;
}

void eu_denials_sort(struct eu_denials *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(d->v[0]), row_cmp);
}

void eu_denials_free(struct eu_denials *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].container);
		free(d->v[i].syscall);
		free(d->v[i].values);
	}
	free(d->v);
	*d = (struct eu_denials){ 0 };
}
