// SPDX-License-Identifier: GPL-2.0-only
/* The OCI hook's configuration file (see hook_conf.h). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "cleanup.h"
#include "file.h"
#include "hook_conf.h"
#include "learn_request.h"

static void free_dirs(struct eu_hook_conf *c)
{
	for (size_t i = 0; i < c->n_learn_dirs; i++) {
		free(c->learn_dirs[i]);
		c->learn_dirs[i] = NULL;
	}
	c->n_learn_dirs = 0;
}

void eu_hook_conf_free(struct eu_hook_conf *c)
{
	free_dirs(c);
	free(c->eunomia);
	free(c->state_dir);
	free(c->learn_socket);
	*c = (struct eu_hook_conf){ 0 };
}

static int set_str(char **slot, const char *v, size_t n, struct eu_err *err)
{
	char *s = strndup(v, n);

	if (!s)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the hook configuration");
	free(*slot);
	*slot = s;
	return 0;
}

int eu_hook_conf_defaults(struct eu_hook_conf *c, const char *eunomia, struct eu_err *err)
{
	*c = (struct eu_hook_conf){ .timeout = 10 };
	if (set_str(&c->learn_dirs[0], "/var/lib/eunomia/profiles", 25, err))
		return -1;
	c->n_learn_dirs = 1;
	return set_str(&c->eunomia, eunomia, strlen(eunomia), err) ||
	       set_str(&c->state_dir, "/run/eunomia/hooks", 18, err) ||
	       set_str(&c->learn_socket, EU_LEARN_SOCKET, strlen(EU_LEARN_SOCKET), err);
}

static int line_fail(struct eu_err *err, const char *name, size_t line, const char *what,
		     const char *key)
{
	return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu: %s%s%s", name, line, what,
		       key ? " " : "", key ? key : "");
}

/* Absolute paths only: the hook runs with the runtime's working directory. */
static bool absolute(const char *v, size_t n)
{
	return n > 0 && v[0] == '/' && !memchr(v, '\0', n);
}

static int set_dirs(struct eu_hook_conf *c, const char *name, size_t line, const char *v,
		    size_t n, struct eu_err *err)
{
	free_dirs(c);
	while (n) {
		/* the value is the line's bytes, not a C string: look no further than n */
		const char *colon = memchr(v, ':', n);
		size_t len = colon ? (size_t)(colon - v) : n, skip;

		skip = len;
		/* spaces around a directory are the file's layout, not the name's */
		while (len && isspace((unsigned char)*v)) {
			v++;
			len--;
			n--;
			skip--;
		}
		while (len && isspace((unsigned char)v[len - 1]))
			len--;
		if (!absolute(v, len))
			return line_fail(err, name, line, "learn_dirs: each directory must be an "
							  "absolute path", NULL);
		if (c->n_learn_dirs == EU_HOOK_MAX_DIRS)
			return line_fail(err, name, line, "learn_dirs: at most 16 directories", NULL);
		if (set_str(&c->learn_dirs[c->n_learn_dirs++], v, len, err))
			return -1;
		v += skip;
		n -= skip;
		if (n) {
			v++;
			n--;
		}
	}
	if (!c->n_learn_dirs)
		return line_fail(err, name, line, "learn_dirs: no directory", NULL);
	return 0;
}

static int set_key(struct eu_hook_conf *c, const char *name, size_t line, const char *key,
		   size_t klen, const char *v, size_t n, struct eu_err *err)
{
	char k[32];

	snprintf(k, sizeof(k), "%.*s", (int)(klen < sizeof(k) ? klen : sizeof(k) - 1), key);
	if (!strcmp(k, "learn_dirs"))
		return set_dirs(c, name, line, v, n, err);
	if (!strcmp(k, "eunomia") || !strcmp(k, "state_dir")) {
		if (!absolute(v, n))
			return line_fail(err, name, line, "expected an absolute path for", k);
		return set_str(!strcmp(k, "eunomia") ? &c->eunomia : &c->state_dir, v, n, err);
	}
	if (!strcmp(k, "learn_socket")) {
		if (n == 4 && !memcmp(v, "none", 4)) {
			free(c->learn_socket);
			c->learn_socket = NULL;
			return 0;
		}
		if (!absolute(v, n) || n >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return line_fail(err, name, line,
					 "learn_socket: expected none or an absolute path of at most "
					 "107 bytes",
					 NULL);
		return set_str(&c->learn_socket, v, n, err);
	}
	if (!strcmp(k, "timeout")) {
		char num[16], *end;
		unsigned long t;

		snprintf(num, sizeof(num), "%.*s", (int)(n < sizeof(num) ? n : sizeof(num) - 1), v);
		errno = 0;
		t = strtoul(num, &end, 10);
		if (errno || end == num || *end || n >= sizeof(num) || t < 1 || t > 300)
			return line_fail(err, name, line, "timeout: expected seconds from 1 to 300",
					 NULL);
		c->timeout = (unsigned int)t;
		return 0;
	}
	return line_fail(err, name, line,
			 "unknown key (expected learn_dirs, eunomia, state_dir, learn_socket or "
			 "timeout):", k);
}

int eu_hook_conf_parse(const char *name, const char *buf, size_t len, struct eu_hook_conf *c,
		       struct eu_err *err)
{
	size_t line = 0;

	while (len) {
		const char *nl = memchr(buf, '\n', len), *p = buf, *end, *eq, *k, *v;
		size_t n = nl ? (size_t)(nl - buf) : len;
		size_t klen, vlen;

		line++;
		end = buf + n;
		buf += n + (nl != NULL);
		len -= n + (nl != NULL);
		for (const char *h = p; h < end; h++)
			if (*h == '#') {
				end = h;
				break;
			}
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (p == end)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return line_fail(err, name, line, "expected key = value", NULL);
		k = p;
		klen = (size_t)(eq - p);
		while (klen && isspace((unsigned char)k[klen - 1]))
			klen--;
		v = eq + 1;
		while (v < end && isspace((unsigned char)*v))
			v++;
		vlen = (size_t)(end - v);
		if (!klen)
			return line_fail(err, name, line, "expected a key before '='", NULL);
		if (set_key(c, name, line, k, klen, v, vlen, err))
			return -1;
	}
	return 0;
}

int eu_hook_conf_load(const char *path, bool optional, struct eu_hook_conf *c,
		      struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (eu_read_file(path, 1 << 20, &buf, &len, err)) {
		if (optional && err->errnum == ENOENT) {
			*err = (struct eu_err){ 0 };
			return 0;
		}
		return -1;
	}
	return eu_hook_conf_parse(path, buf, len, c, err);
}
