// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's YAML form, written: libyaml's emitter driven in a fixed order,
 * so the same profile always gives the same bytes (the reader is profile_yaml.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "caps.h"
#include "cleanup.h"
#include "families.h"
#include "file.h"
#include "profile_yaml.h"
#include "syscalls.h"

struct ybuf {
	char *data;
	size_t len, cap;
};

static int ybuf_write(void *data, unsigned char *chunk, size_t size)
{
	struct ybuf *b = data;

	if (b->len + size + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		char *n;

		while (ncap < b->len + size + 1)
			ncap *= 2;
		n = realloc(b->data, ncap);
		if (!n)
			return 0;
		b->data = n;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, chunk, size);
	b->len += size;
	b->data[b->len] = '\0';
	return 1;
}

struct yem {
	yaml_emitter_t e;
	struct eu_err *err;
};

static int emit(struct yem *y, yaml_event_t *ev)
{
	if (yaml_emitter_emit(&y->e, ev))
		return 0;
	return eu_fail(y->err, EU_E_INTERNAL, 0, "YAML emitter: %s",
		       y->e.problem ? y->e.problem : "out of memory");
}

/* Would a YAML reader take this plain scalar for something other than a string? */
static bool looks_typed(const char *s)
{
	static const char *const words[] = { "~",   "null", "true", "false", "yes",
					     "no",  "on",   "off",  "y",     "n" };
	const char *p = s;

	if (!*s)
		return true;
	for (size_t i = 0; i < EU_ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.' || (*p >= '0' && *p <= '9'))
		return true; /* numbers, .inf, .nan, dates: quote them all */
	return false;
}

static int em_scalar_style(struct yem *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
					  style))
		return eu_fail(y->err, EU_E_INTERNAL, ENOMEM, "YAML emitter");
	return emit(y, &ev);
}

/* A string: plain where that reads back as the same string, double-quoted otherwise. */
static int em_str(struct yem *y, const char *s)
{
	return em_scalar_style(y, s,
			       looks_typed(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
					      : YAML_ANY_SCALAR_STYLE);
}

static int em_u64(struct yem *y, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return em_scalar_style(y, num, YAML_PLAIN_SCALAR_STYLE);
}

static int em_map_start(struct yem *y)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	return emit(y, &ev);
}

static int em_map_end(struct yem *y)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	return emit(y, &ev);
}

static int em_seq_start(struct yem *y)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	return emit(y, &ev);
}

static int em_seq_end(struct yem *y)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(y, &ev);
}

static int em_kv_str(struct yem *y, const char *k, const char *v)
{
	if (!v)
		return 0;
	return em_str(y, k) || em_str(y, v);
}

static int em_caps(struct yem *y, const char *key, uint64_t mask)
{
	if (em_str(y, key) || em_seq_start(y))
		return -1;
	for (int cap = 0; cap < EU_CAP_MAX; cap++) {
		_cleanup_free_ char *name = NULL;

		if (!(mask & (1ULL << cap)))
			continue;
		name = eu_cap_name(cap);
		if (!name)
			return eu_fail(y->err, EU_E_INTERNAL, 0,
				       "capability %d has no name in this libcap", cap);
		if (em_str(y, name))
			return -1;
	}
	return em_seq_end(y);
}

/* Syscall names of a bitmap, in name order, as a list. */
struct named_nr {
	char *name;
	int nr;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_nr *)a)->name, ((const struct named_nr *)b)->name);
}

static void named_free(struct named_nr *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * Collect the named syscalls of `bits` sorted by name; the numbers without a
 * name go to `unnamed` (sorted by number) when given.
 */
static int collect_names(int arch, const uint64_t *bits, struct named_nr **out, size_t *nout,
			 int *unnamed, size_t *nunnamed, struct eu_err *err)
{
	struct named_nr *v = calloc(EU_NR_MAX, sizeof(*v));
	size_t n = 0, u = 0;

	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "emitting a profile");
	for (int nr = 0; nr < EU_NR_MAX; nr++) {
		char *name;

		if (!eu_bit_test(bits, (unsigned int)nr))
			continue;
		name = eu_syscall_name(arch, nr);
		if (name) {
			v[n].name = name;
			v[n++].nr = nr;
		} else if (unnamed) {
			unnamed[u++] = nr;
		}
	}
	qsort(v, n, sizeof(*v), cmp_named);
	*out = v;
	*nout = n;
	if (nunnamed)
		*nunnamed = u;
	return 0;
}

static bool bits_empty(const uint64_t *bits)
{
	for (int w = 0; w < EU_NR_WORDS; w++)
		if (bits[w])
			return false;
	return true;
}

/* architectures.<arch>.rules: syscalls by name, each one's rules in the profile's order. */
static int em_rules(struct yem *y, const struct eu_profile *p, int arch)
{
	uint64_t bits[EU_NR_WORDS] = { 0 };
	struct named_nr *names;
	char text[512];
	size_t n;
	int rc;

	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].arch == arch)
			eu_bit_set(bits, (unsigned int)p->rules[i].nr);
	if (bits_empty(bits))
		return 0;
	if (collect_names(arch, bits, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "rules") || em_map_start(y);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = em_str(y, names[i].name) || em_seq_start(y);
		for (size_t j = 0; !rc && j < p->nrules; j++) {
			if (p->rules[j].arch != arch || p->rules[j].nr != names[i].nr)
				continue;
			eu_rule_format(&p->rules[j], text, sizeof(text));
			rc = em_str(y, text);
		}
		rc = rc || em_seq_end(y);
	}
	rc = rc || em_map_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

static int em_seconds(struct yem *y, uint64_t ms)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64 ".%03" PRIu64, ms / 1000, ms % 1000);
	return em_scalar_style(y, text, YAML_PLAIN_SCALAR_STYLE);
}

/* architectures.<arch>.argument_free: learned arguments left unruled. */
static int em_argfree(struct yem *y, const struct eu_syscall_set *set, int arch)
{
	struct named_nr *names;
	size_t n;
	int rc;

	if (bits_empty(set->argfree))
		return 0;
	if (collect_names(arch, set->argfree, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "argument_free") || em_seq_start(y);
	for (size_t i = 0; !rc && i < n; i++)
		rc = em_str(y, names[i].name);
	rc = rc || em_seq_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

/* architectures.<arch>.first_seen: seconds into its run, by syscall name. */
static int em_first_seen(struct yem *y, const struct eu_syscall_set *set, int arch)
{
	struct named_nr *names;
	size_t n;
	int rc;

	if (bits_empty(set->first_known))
		return 0;
	if (collect_names(arch, set->first_known, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "first_seen") || em_map_start(y);
	for (size_t i = 0; !rc && i < n; i++)
		rc = em_str(y, names[i].name) || em_seconds(y, set->first_ms[names[i].nr]);
	rc = rc || em_map_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

static int em_arch(struct yem *y, const struct eu_profile *p, int arch)
{
	const struct eu_syscall_set *set = &p->arch[arch];
	int unnamed[EU_NR_MAX];
	struct named_nr *names;
	size_t n, nu;
	int rc = -1;

	if (collect_names(arch, set->bits, &names, &n, unnamed, &nu, y->err))
		return -1;
	if (em_str(y, eu_arch_name(arch)) || em_map_start(y) || em_str(y, "syscalls") ||
	    em_map_start(y))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (em_str(y, names[i].name) || em_u64(y, set->count[names[i].nr]))
			goto out;
	if (em_map_end(y))
		goto out;
	if (nu) {
		if (em_str(y, "unnamed") || em_map_start(y))
			goto out;
		for (size_t i = 0; i < nu; i++)
			if (em_u64(y, (uint64_t)unnamed[i]) || em_u64(y, set->count[unnamed[i]]))
				goto out;
		if (em_map_end(y))
			goto out;
	}
	if (em_rules(y, p, arch) || em_argfree(y, set, arch) || em_first_seen(y, set, arch))
		goto out;
	rc = em_map_end(y);
out:
	named_free(names, n);
	return rc;
}

static int em_runtime_setup(struct yem *y, const struct eu_meta *m)
{
	bool any = m->setup_caps != 0;

	for (int a = 0; a < EU_ARCH_COUNT; a++)
		any |= !bits_empty(m->setup_bits[a]);
	if (!any)
		return 0;
	if (em_str(y, "runtime_setup") || em_map_start(y))
		return -1;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		struct named_nr *names;
		size_t n;
		int rc;

		if (bits_empty(m->setup_bits[a]))
			continue;
		if (collect_names(a, m->setup_bits[a], &names, &n, NULL, NULL, y->err))
			return -1;
		rc = em_str(y, eu_arch_name(a)) || em_seq_start(y);
		for (size_t i = 0; !rc && i < n; i++)
			rc = em_str(y, names[i].name);
		rc = rc || em_seq_end(y);
		named_free(names, n);
		if (rc)
			return -1;
	}
	if (m->setup_caps && em_caps(y, "capabilities", m->setup_caps))
		return -1;
	return em_map_end(y);
}

static int em_metadata(struct yem *y, const struct eu_profile *p)
{
	const struct eu_meta *m = &p->meta;
	char dur[32];

	if (em_str(y, "metadata") || em_map_start(y))
		return -1;
	if (m->container_id || m->container_name || m->runtime || m->image || m->bundle) {
		if (em_str(y, "container") || em_map_start(y) ||
		    em_kv_str(y, "id", m->container_id) || em_kv_str(y, "name", m->container_name) ||
		    em_kv_str(y, "runtime", m->runtime) || em_kv_str(y, "image", m->image) ||
		    em_kv_str(y, "bundle", m->bundle) || em_map_end(y))
			return -1;
	}
	if (m->command.n) {
		if (em_str(y, "command") || em_seq_start(y))
			return -1;
		for (size_t i = 0; i < m->command.n; i++)
			if (em_str(y, m->command.v[i]))
				return -1;
		if (em_seq_end(y))
			return -1;
	}
	if (em_kv_str(y, "kernel", m->kernel))
		return -1;
	snprintf(dur, sizeof(dur), "%" PRIu64 ".%03" PRIu64, m->duration_ms / 1000,
		 m->duration_ms % 1000);
	if (em_str(y, "learned") || em_map_start(y) || em_kv_str(y, "start", m->learned_at) ||
	    em_str(y, "duration_seconds") || em_scalar_style(y, dur, YAML_PLAIN_SCALAR_STYLE) ||
	    em_str(y, "runs") || em_u64(y, m->runs) ||
	    em_kv_str(y, "boundary", eu_boundary_name(m->boundary)) ||
	    (m->has_quiet && (em_str(y, "quiet_seconds") || em_seconds(y, m->quiet_ms))) ||
	    em_map_end(y))
		return -1;
	if (em_runtime_setup(y, m))
		return -1;
	return em_map_end(y);
}

static int em_profile(struct yem *y, const struct eu_profile *p)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(y, &ev))
		return -1;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(y, &ev) || em_map_start(y) || em_str(y, "version") || em_u64(y, p->version) ||
	    em_metadata(y, p))
		return -1;
	if (p->has_default) {
		char text[32];

		if (p->default_deny == EU_DENY_ERRNO)
			snprintf(text, sizeof(text), "errno %" PRIu32, p->default_errno);
		else
			snprintf(text, sizeof(text), "%s", eu_deny_name(p->default_deny));
		if (em_kv_str(y, "default_action", text))
			return -1;
	}
	if (em_str(y, "architectures") || em_map_start(y))
		return -1;
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		if (p->arch[a].present && em_arch(y, p, a))
			return -1;
	if (em_map_end(y))
		return -1;
	if (em_str(y, "capabilities") || em_map_start(y) ||
	    (p->caps_unknown && (em_str(y, "learned") ||
				 em_scalar_style(y, "false", YAML_PLAIN_SCALAR_STYLE))) ||
	    em_caps(y, "used", p->caps_used) ||
	    em_caps(y, "denied", p->caps_denied) || em_map_end(y))
		return -1;
	if (em_str(y, "executables") || em_seq_start(y))
		return -1;
	for (size_t i = 0; i < p->execs.n; i++)
		if (em_str(y, p->execs.v[i]))
			return -1;
	if (em_seq_end(y))
		return -1;
	if (p->has_families) {
		char buf[16];

		if (em_str(y, "socket_families") || em_seq_start(y))
			return -1;
		for (int af = 0; af < EU_FAMILY_MAX; af++)
			if ((p->families & (1ULL << af)) && em_str(y, eu_family_name(af, buf, sizeof(buf))))
				return -1;
		if (em_seq_end(y))
			return -1;
	}
	if (em_map_end(y))
		return -1;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(y, &ev))
		return -1;
	yaml_stream_end_event_initialize(&ev);
	return emit(y, &ev);
}

int eu_profile_emit(const struct eu_profile *p, char **out, size_t *len, struct eu_err *err)
{
	static const char header[] =
		"# eunomia profile: the syscalls and capabilities a container was seen to use.\n"
		"# Review it like code before enforcing it; see eunomia-profile(5).\n";
	struct ybuf b = { 0 };
	struct yem y = { .err = err };
	int rc;

	if (!ybuf_write(&b, (unsigned char *)header, sizeof(header) - 1))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "emitting a profile");
	if (!yaml_emitter_initialize(&y.e)) {
		free(b.data);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot initialise the YAML emitter");
	}
	yaml_emitter_set_output(&y.e, ybuf_write, &b);
	yaml_emitter_set_unicode(&y.e, 1);
	yaml_emitter_set_width(&y.e, -1);
	yaml_emitter_set_indent(&y.e, 2);
	rc = em_profile(&y, p);
	if (!rc && !yaml_emitter_flush(&y.e))
		rc = eu_fail(err, EU_E_INTERNAL, ENOMEM, "YAML emitter: cannot flush");
	yaml_emitter_delete(&y.e);
	if (rc) {
		free(b.data);
		return -1;
	}
	*out = b.data;
	*len = b.len;
	return 0;
}

int eu_profile_save(const struct eu_profile *p, const char *path, struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (eu_profile_emit(p, &buf, &len, err))
		return -1;
	if (!path || !strcmp(path, "-")) {
		if (eu_write_all(STDOUT_FILENO, buf, len) < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot write the profile to stdout");
		return 0;
	}
	return eu_write_file_atomic(path, buf, len, 0644, err);
}
