// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia-runtime: the OCI runtime dockerd runs instead of runc (daemon.json's
 * "runtimes", or dockerd --add-runtime), the way nvidia-container-runtime is
 * one. Docker reads no hooks.d, and Docker 20.10 passes a container's labels
 * to no bundle; so before runc creates a container, this reads the labels (the
 * bundle's annotations, which docker run --annotation sets from Docker 24 on,
 * else the container's labels in Docker's own state) and prepares the bundle:
 *
 *   io.eunomia.learn=PATH      eunomia's hook (which learns the container from
 *                              its first instruction, as through hooks.d) and
 *                              the learning filter, whose load is where learning
 *                              begins; .merge and .boundary are passed on
 *   io.eunomia.profile=PROFILE the profile's filter, capabilities and
 *                              no_new_privs (eunomia enforce --oci-bundle), its
 *                              refusals handed to the monitor unless
 *                              io.eunomia.monitor=false; io.eunomia.mode and
 *                              io.eunomia.deny as enforce's --mode and --deny
 *
 * and then runs the real runc with the same arguments. Anything else (every
 * other command, a container without those labels) goes to runc untouched.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "docker.h"
#include "hook_conf.h"
#include "json.h"
#include "monitor_maps.h"
#include "oci_config.h"
#include "runcmd.h"
#include "seccomp_json.h"
#include "selfpath.h"

#define PROG "eunomia-runtime"

#ifndef EUNOMIA_SBINDIR
#define EUNOMIA_SBINDIR "/usr/local/sbin"
#endif
#ifndef EUNOMIA_LIBEXECDIR
#define EUNOMIA_LIBEXECDIR "/usr/local/libexec"
#endif

struct shim {
	const char *config;  /* --config: the hook's configuration, passed to the hook too */
	const char *runtime; /* --runtime: the real runtime (default: runc in PATH) */
	const char *log;     /* runc's --log, where containerd looks for a failure */
	bool log_json;	     /* --log-format json */
};

/* The labels eunomia reads, and those it passes on to the hook as annotations. */
static const char *const learn_keys[] = { "io.eunomia.learn", "io.eunomia.learn.merge",
					  "io.eunomia.learn.boundary" };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--config FILE] [--runtime PATH] RUNC-ARGUMENTS...\n"
		"\n"
		"An OCI runtime for dockerd: before runc creates a container labelled (or\n"
		"annotated) io.eunomia.learn=PATH or io.eunomia.profile=PROFILE, prepare its\n"
		"bundle for eunomia: the hook and the learning filter to learn it from its\n"
		"first instruction, or the profile's filter, capabilities and no_new_privs to\n"
		"enforce it (its refusals to eunomia monitor unless io.eunomia.monitor=false).\n"
		"Then run the real runc with the same arguments.\n"
		"\n"
		"Options (before runc's):\n"
		"  --config FILE    the hook's configuration (default " EU_HOOK_CONF "),\n"
		"                   given to the hook too\n"
		"  --runtime PATH   the runtime to run (default: runc, searched in PATH)\n"
		"  --eunomia-help   show this help (runc's own goes to runc)\n"
		"\n"
		"In /etc/docker/daemon.json:\n"
		"  { \"runtimes\": { \"eunomia\": { \"path\": \"" EUNOMIA_LIBEXECDIR
		"/eunomia/eunomia-runtime\" } } }\n"
		"then: docker run --runtime eunomia --label io.eunomia.learn=/var/lib/eunomia/"
		"profiles/web.yaml ...\n"
		"See eunomia-runtime(8).\n");
}

/* Say what failed where containerd looks (runc's log) and on standard error. */
static int fail(const struct shim *s, const struct eu_err *err)
{
	FILE *f = s->log ? fopen(s->log, "ae") : NULL;

	if (f) {
		if (s->log_json) {
			struct json_object *o = json_object_new_object();
			char when[64] = "";
			time_t now = time(NULL);
			struct tm tm;

			if (!gmtime_r(&now, &tm) ||
			    !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
				when[0] = '\0';
			json_object_object_add(o, "level", json_object_new_string("error"));
			json_object_object_add(o, "msg", json_object_new_string(err->msg));
			json_object_object_add(o, "time", json_object_new_string(when));
			fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
			json_object_put(o);
		} else {
			fprintf(f, PROG ": %s\n", err->msg);
		}
		(void)fclose(f); /* the report goes to stderr in any case */
	}
	return eu_report(err, PROG);
}

/* runc's global options that take a value (runc --help, 1.1). */
static bool takes_value(const char *opt)
{
	static const char *const with[] = { "--root", "--log", "--log-format", "--criu",
					    "--rootless" };

	for (size_t i = 0; i < EU_ARRAY_SIZE(with); i++)
		if (!strcmp(opt, with[i]))
			return true;
	return false;
}

/* The value of --name V, --name=V, -n V or -n=V among ARGS, or NULL. */
static const char *option(char **args, int n, const char *lng, const char *shrt)
{
	size_t l = strlen(lng), s = strlen(shrt);

	for (int i = 0; i < n; i++) {
		if ((!strcmp(args[i], lng) || !strcmp(args[i], shrt)) && i + 1 < n)
			return args[i + 1];
		if (!strncmp(args[i], lng, l) && args[i][l] == '=')
			return args[i] + l + 1;
		if (!strncmp(args[i], shrt, s) && args[i][s] == '=')
			return args[i] + s + 1;
	}
	return NULL;
}

/* A label or annotation: the bundle's annotation first (Docker 24+), then Docker's label. */
static const char *key(struct json_object *ann, struct json_object *labels, const char *k)
{
	const char *v = ann ? eu_json_str(ann, k) : NULL;

	return v ? v : labels ? eu_json_str(labels, k) : NULL;
}

static int add_string(struct json_object *array, const char *s)
{
	struct json_object *o = json_object_new_string(s);

	if (!o || json_object_array_add(array, o)) {
		json_object_put(o);
		return -1;
	}
	return 0;
}

/* Append a hook running eunomia's hook at STAGE to hooks.STAGE. */
static int add_hook(struct json_object *hooks, const char *stage, const char *hook,
		    const char *config, struct eu_err *err)
{
	struct json_object *list = eu_json_get(hooks, stage, json_type_array);
	struct json_object *h = json_object_new_object(), *args = json_object_new_array(), *path;

	if (!list) {
		list = json_object_new_array();
		if (list)
			json_object_object_add(hooks, stage, list);
	}
	if (!list || !h || !args) {
		json_object_put(h);
		json_object_put(args);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "adding eunomia's hook");
	}
	if (add_string(args, "eunomia-oci-hook") ||
	    (config && (add_string(args, "--config") || add_string(args, config))) ||
	    add_string(args, stage) || json_object_object_add(h, "args", args)) {
		json_object_put(h);
		json_object_put(args);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "adding eunomia's hook");
	}
	path = json_object_new_string(hook);
	if (!path || json_object_object_add(h, "path", path)) {
		json_object_put(path);
		json_object_put(h);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "adding eunomia's hook");
	}
	if (json_object_array_add(list, h)) {
		json_object_put(h);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "adding eunomia's hook");
	}
	return 0;
}

/* The object member K of O, made when missing. */
static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *m = eu_json_get(o, k, json_type_object);

	if (!m && (m = json_object_new_object()))
		json_object_object_add(o, k, m);
	return m;
}

/*
 * io.eunomia.learn: the hook at createRuntime and poststop, told what to learn
 * by the annotations it reads in the state, and the learning filter.
 */
static int prepare_learning(const struct shim *s, const char *path, struct json_object *cfg,
			    struct json_object *ann, struct json_object *labels, struct eu_err *err)
{
	static const char *const rel[] = { "eunomia-oci-hook" };
	char hook_buf[PATH_MAX + 32];
	const char *hook = eu_beside_self(rel, 1, EUNOMIA_LIBEXECDIR "/eunomia/eunomia-oci-hook",
					  hook_buf, sizeof(hook_buf));
	struct json_object *annotations = member(cfg, "annotations"), *hooks = member(cfg, "hooks");
	struct json_object *linux_ = member(cfg, "linux"), *filter = NULL;

	if (!annotations || !hooks || !linux_)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "preparing %s", path);
	for (size_t i = 0; i < EU_ARRAY_SIZE(learn_keys); i++) {
		const char *v = key(ann, labels, learn_keys[i]);

		if (v)
			json_object_object_add(annotations, learn_keys[i], json_object_new_string(v));
	}
	if (add_hook(hooks, "createRuntime", hook, s->config, err) ||
	    add_hook(hooks, "poststop", hook, s->config, err) ||
	    eu_seccomp_json_learning(EU_JSON_OCI, "eunomia-learning", &filter, err))
		return -1;
	json_object_object_add(linux_, "seccomp", filter);
	return eu_json_save(cfg, path, err);
}

/* io.eunomia.profile: eunomia enforce writes the profile into the bundle. */
static int prepare_enforcing(const struct shim *s, const char *bundle, const char *name,
			     struct json_object *ann, struct json_object *labels,
			     struct eu_err *err)
{
	const char *mode = key(ann, labels, "io.eunomia.mode");
	const char *deny = key(ann, labels, "io.eunomia.deny");
	const char *monitor = key(ann, labels, "io.eunomia.monitor");
	struct eu_hook_conf conf = { 0 };
	_cleanup_free_ char *profile = NULL, *out = NULL;
	char self_buf[PATH_MAX + 32];
	static const char *const rel[] = { "eunomia", "../../sbin/eunomia" };
	char *argv[16];
	size_t n = 0, len;
	int rc = -1;

	if (monitor && strcmp(monitor, "true") && strcmp(monitor, "false"))
		return eu_fail(err, EU_E_USAGE, 0, "io.eunomia.monitor=%s: expected true or false",
			       monitor);
	/* a name is the running monitor's to resolve, in its --profiles directory */
	if (eu_mon_profile_path(name, NULL, &profile, err))
		return eu_wrap(err, "io.eunomia.profile=%s", name);
	if (eu_hook_conf_defaults(&conf,
				  eu_beside_self(rel, EU_ARRAY_SIZE(rel), EUNOMIA_SBINDIR "/eunomia",
						 self_buf, sizeof(self_buf)),
				  err) ||
	    eu_hook_conf_load(s->config ? s->config : EU_HOOK_CONF, !s->config, &conf, err))
		goto out;
	argv[n++] = conf.eunomia;
	argv[n++] = "enforce";
	argv[n++] = "-q";
	argv[n++] = "--profile";
	argv[n++] = profile;
	if (!monitor || !strcmp(monitor, "true"))
		argv[n++] = "--monitor";
	if (mode) {
		argv[n++] = "--mode";
		argv[n++] = (char *)mode;
	}
	if (deny) {
		argv[n++] = "--deny";
		argv[n++] = (char *)deny;
	}
	argv[n++] = "--oci-bundle";
	argv[n++] = (char *)bundle;
	argv[n] = NULL;
	rc = eu_run_capture(argv, (int)conf.timeout * 1000, 1 << 16, &out, &len, err);
	if (rc)
		eu_wrap(err, "io.eunomia.profile=%s", name);
out:
	eu_hook_conf_free(&conf);
	return rc;
}

/*
 * Docker's state of container ID, if it is Docker's: from the data root its
 * bundle's /etc/hostname comes from, else (its own file is mounted there) from
 * the data roots of the running dockerds. A Docker container whose state
 * cannot be read does not start: its labels may ask for a profile.
 */
static int docker_state(struct json_object *cfg, const char *id, struct eu_docker_ct *d,
			struct eu_err *err)
{
	_cleanup_free_ char *dir = NULL;

	*d = (struct eu_docker_ct){ 0 };
	if (!id || strlen(id) != 64)
		return 0; /* no Docker id: not Docker's */
	dir = eu_docker_dir_of_config(cfg, id);
	if (dir) {
		if (eu_docker_read(dir, d, err))
			return eu_wrap(err, "Docker container %s: its labels", id);
	} else if (eu_docker_find(id, NULL, d, err)) {
		if (err->kind != EU_E_NOTFOUND)
			return eu_wrap(err, "container %s: its labels", id);
		*err = (struct eu_err){ 0 };
		return 0; /* not Docker's */
	}
	if (strcmp(d->id, id)) {
		eu_fail(err, EU_E_RUNTIME, 0, "Docker's state found for container %s is %s's", id,
			d->id);
		eu_docker_ct_free(d);
		return -1;
	}
	return 0;
}

/* Prepare BUNDLE of container ID for what its labels ask of eunomia, if anything. */
static int prepare(const struct shim *s, const char *bundle, const char *id, struct eu_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct eu_docker_ct d = { 0 };
	struct json_object *cfg = NULL, *ann;
	const char *learn, *profile;
	int rc = 0;

	if (eu_oci_config_load(bundle, &path, &cfg, err))
		return -1;
	ann = eu_json_get(cfg, "annotations", json_type_object);
	if (docker_state(cfg, id, &d, err)) {
		json_object_put(cfg);
		return -1;
	}
	learn = key(ann, d.labels, "io.eunomia.learn");
	profile = key(ann, d.labels, "io.eunomia.profile");
	if (learn && profile)
		rc = eu_fail(err, EU_E_USAGE, 0,
			     "io.eunomia.learn and io.eunomia.profile: a container is learned or "
			     "held to a profile, not both at once");
	else if (learn)
		rc = prepare_learning(s, path, cfg, ann, d.labels, err);
	else if (profile)
		rc = prepare_enforcing(s, bundle, profile, ann, d.labels, err);
	json_object_put(cfg);
	eu_docker_ct_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct shim s = { 0 };
	struct eu_err err = { 0 };
	_cleanup_free_ char *runtime = NULL, *self = NULL, *real = NULL;
	const char *bundle = NULL, *cmd = NULL;
	int first = 1, i;

	/* our own options come first; everything after them is runc's */
	for (; first < argc; first++) {
		if (!strcmp(argv[first], "--config") && first + 1 < argc)
			s.config = argv[++first];
		else if (!strcmp(argv[first], "--runtime") && first + 1 < argc)
			s.runtime = argv[++first];
		else if (!strcmp(argv[first], "--eunomia-help")) {
			usage(stdout);
			return 0;
		} else
			break;
	}
	/* runc's global options, then its command */
	for (i = first; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--log") && i + 1 < argc)
			s.log = argv[i + 1];
		else if (!strncmp(argv[i], "--log=", 6))
			s.log = argv[i] + 6;
		if ((!strcmp(argv[i], "--log-format") && i + 1 < argc &&
		     !strcmp(argv[i + 1], "json")) ||
		    !strcmp(argv[i], "--log-format=json"))
			s.log_json = true;
		if (takes_value(argv[i]))
			i++;
	}
	cmd = i < argc ? argv[i] : NULL;
	if (cmd && (!strcmp(cmd, "create") || !strcmp(cmd, "run"))) {
		/* runc create [OPTIONS] ID */
		const char *id = argc - 1 > i && argv[argc - 1][0] != '-' ? argv[argc - 1] : NULL;

		bundle = option(argv + i + 1, argc - i - 1, "--bundle", "-b");
		if (prepare(&s, bundle ? bundle : ".", id, &err))
			return fail(&s, &err);
	}
	if (eu_find_program(s.runtime ? s.runtime : "runc", &runtime, &err))
		return fail(&s, &err);
	/* installed as "runc" itself, it would run itself for ever */
	self = realpath("/proc/self/exe", NULL);
	real = realpath(runtime, NULL);
	if (self && real && !strcmp(self, real)) {
		eu_fail(&err, EU_E_USAGE, 0, "%s is this program: name the real runtime with --runtime",
			runtime);
		return fail(&s, &err);
	}
	argv[first - 1] = (char *)"runc";
	execv(runtime, argv + first - 1);
	eu_fail(&err, EU_E_CHILD, errno, "cannot run %s", runtime);
	return fail(&s, &err);
}
