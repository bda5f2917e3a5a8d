// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia enforce: hold a command to a profile. Everything that can fail is
 * checked before anything changes (the profile, its filter, the command's
 * path); then the user and capabilities are set, the seccomp filter is loaded
 * and the command is executed in place, so it starts under all of it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowance.h"
#include "caps.h"
#include "cleanup.h"
#include "cmdopts.h"
#include "commands.h"
#include "file.h"
#include "filter.h"
#include "handoff.h"
#include "listener.h"
#include "privs.h"
#include "profile_yaml.h"
#include "json.h"
#include "oci_config.h"
#include "ksyms.h"
#include "runcmd.h"
#include "seccomp_json.h"
#include "syscalls.h"

#define PROG "eunomia enforce"

struct enforce_opts {
	const char *profile;
	const char *bundle; /* --oci-bundle: write into its config.json instead of running */
	struct eu_filter_opts filter;
	struct eu_user user;
	bool quiet;
	bool no_allowance; /* --no-runtime-allowance */
	bool monitor;	   /* --monitor: refused calls go to the monitor's seccomp agent */
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia enforce --profile FILE [OPTIONS] -- COMMAND [ARGS...]\n"
		"       eunomia enforce --profile FILE [OPTIONS] --oci-bundle DIR\n"
		"\n"
		"Run COMMAND held to a profile: a seccomp filter that allows the profile's\n"
		"syscalls on each of its architectures (other architectures are killed), and\n"
		"only the profile's capabilities, with no_new_privs. Or write the profile into\n"
		"an OCI bundle's config.json (linux.seccomp, process.capabilities,\n"
		"process.noNewPrivileges), every other field kept, for runc or crun to enforce.\n"
		"\n"
		"Options:\n"
		"  -p, --profile FILE       the profile to enforce (required)\n"
		"      --mode MODE          enforce (default), or complain: allow everything and\n"
		"                           have the kernel log what the profile would deny\n"
		"      --deny ACTION        what a syscall outside the profile gets: errno\n"
		"                           (default), kill-process, or log\n"
		"      --errno N            the errno of --deny errno (default 1, EPERM)\n"
		"      --enosys-new         syscalls newer than the newest in the profile fail with\n"
		"                           ENOSYS, so that programs fall back to older ones\n"
		"  -u, --user UID[:GID]     run COMMAND as this user and group, keeping the\n"
		"                           profile's capabilities\n"
		"      --linear             a linear filter instead of libseccomp's binary tree\n"
		"      --oci-bundle DIR     write the profile into DIR/config.json, atomically,\n"
		"                           with the runtime allowance: what runc's own init may\n"
		"                           do after it loads the filter\n"
		"      --no-runtime-allowance  with --oci-bundle: the profile's syscalls only\n"
		"      --monitor            hand every call the profile does not allow to eunomia\n"
		"                           monitor, which answers it as --deny and --mode say and\n"
		"                           reports it (seccomp user notification; the monitor\n"
		"                           must run, or the command or container does not start)\n"
		"  -q, --quiet              print only errors\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: COMMAND's own once it runs; before that 2 usage; 3 bad profile\n"
		"or config.json; 4 I/O error; 6 the kernel refused the filter or capabilities;\n"
		"8 COMMAND could not be started. See eunomia-enforce(8).\n");
}

enum { OPT_MODE = 256, OPT_DENY, OPT_ERRNO };

static int parse_args(int argc, char **argv, struct enforce_opts *o, struct eu_err *err)
{
	const struct eu_opt opts[] = {
		EU_OPT_STRING("profile", 'p', &o->profile),
		EU_OPT_OWN("mode", OPT_MODE),
		EU_OPT_OWN("deny", OPT_DENY),
		EU_OPT_OWN("errno", OPT_ERRNO),
		EU_OPT_OWN("user", 'u'),
		EU_OPT_FLAG("linear", 0, &o->filter.linear),
		EU_OPT_FLAG("enosys-new", 0, &o->filter.enosys_new),
		EU_OPT_STRING("oci-bundle", 0, &o->bundle),
		EU_OPT_FLAG("no-runtime-allowance", 0, &o->no_allowance),
		EU_OPT_FLAG("monitor", 0, &o->monitor),
		EU_OPT_QUIET(&o->quiet),
		EU_OPT_HELP,
		{ 0 },
	};
	struct eu_getopt g = { .opts = opts, .usage = usage };
	long v;
	int c, d;

	while ((c = eu_getopt(&g, argc, argv, err)) > 0) {
		switch (c) {
		case OPT_MODE:
			if (strcmp(optarg, "enforce") && strcmp(optarg, "complain"))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--mode expects enforce or complain, not '%s'", optarg);
			o->filter.complain = !strcmp(optarg, "complain");
			break;
		case OPT_DENY:
			d = eu_deny_from_name(optarg);
			if (d < 0)
				return eu_fail(err, EU_E_USAGE, 0,
					       "--deny expects errno, kill-process or log, not '%s'",
					       optarg);
			o->filter.deny = (enum eu_deny)d;
			o->filter.deny_set = true;
			break;
		case OPT_ERRNO:
			if (!eu_parse_long(optarg, 1, 4095, &v))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--errno expects a number from 1 to 4095, not '%s'",
					       optarg);
			o->filter.deny_errno = (int)v;
			o->filter.deny_set = true;
			break;
		case 'u':
			if (eu_user_parse(optarg, &o->user, err))
				return -1;
			break;
		}
	}
	if (c < 0)
		return -1;
	if (!o->profile)
		return eu_fail(err, EU_E_USAGE, 0, "which profile? (--profile FILE)");
	if (o->bundle) {
		if (optind < argc)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--oci-bundle writes a bundle; it runs no command ('%s')",
				       argv[optind]);
		if (o->filter.complain || o->user.set || o->filter.linear || o->filter.enosys_new)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--mode complain, --user, --linear and --enosys-new apply to a "
				       "command; for a bundle use --deny log, process.user and the "
				       "runtime");
		return 0;
	}
	if (o->no_allowance)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--no-runtime-allowance is for --oci-bundle: a command is not started "
			       "by a runtime");
	if (optind <= 1 || strcmp(argv[optind - 1], "--") || optind >= argc)
		return eu_fail(err, EU_E_USAGE, 0, "give the command to run after '--' (see --help)");
	o->command = argv + optind;
	return 0;
}

/*
 * --monitor: what the filter's listener says of how the monitor answers (as
 * --deny and --mode say) and of which profile, named by its absolute path.
 */
static int monitor_metadata(const struct enforce_opts *o, bool exec_go, char *buf, size_t size,
			    struct eu_err *err)
{
	_cleanup_free_ char *abs = realpath(o->profile, NULL);
	struct eu_listener_meta m = { .errnum = o->filter.deny_errno ? o->filter.deny_errno : EPERM,
				      .exec_go = exec_go, .profile = abs };

	if (!abs)
		return eu_fail(err, EU_E_IO, errno, "cannot resolve %s", o->profile);
	if (o->filter.complain || o->filter.deny == EU_DENY_LOG)
		m.mode = EU_LISTEN_COMPLAIN;
	else if (o->filter.deny == EU_DENY_KILL_PROCESS)
		m.mode = EU_LISTEN_KILL;
	return eu_listener_meta_format(&m, buf, size, err);
}

static bool exec_allowed(const struct eu_profile *p)
{
	int arch = eu_arch_native();

	return eu_profile_has_syscall(p, arch, eu_syscall_nr(arch, "execve"));
}

/* A command that cannot be executed under the profile would fail at once, and silently. */
static int check_exec_allowed(const struct eu_profile *p, const struct enforce_opts *o,
			      struct eu_err *err)
{
	int arch = eu_arch_native();

	if (o->filter.complain || o->filter.deny == EU_DENY_LOG || exec_allowed(p))
		return 0;
	return eu_fail(err, EU_E_PROFILE, 0,
		       "%s does not allow execve on %s, so no command can be started under it",
		       o->profile, eu_arch_name(arch));
}

/*
 * Syscalls the profile allows that this kernel does not implement fail with
 * ENOSYS whatever the filter says: worth a word (a profile learned on a newer
 * kernel, or an imported list written for every kernel), not a refusal.
 */
static void warn_unknown_to_kernel(const struct eu_profile *p, const struct enforce_opts *o)
{
	uint64_t known[EU_NR_WORDS];
	struct eu_err ignored = { 0 };
	char names[256] = "";
	size_t n = 0, off = 0;

	if (o->quiet || eu_kernel_syscalls(known, EU_NR_WORDS, &ignored))
		return;
	for (int nr = 0; nr < EU_NR_MAX; nr++) {
		_cleanup_free_ char *name = NULL;

		if (!eu_profile_has_syscall(p, EU_ARCH_X86_64, nr) || eu_bit_test(known, (unsigned)nr))
			continue;
		name = eu_syscall_name(EU_ARCH_X86_64, nr);
		if (n++ < 8 && off < sizeof(names))
			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", off ? ", " : "",
						name ? name : "?");
	}
	if (n)
		fprintf(stderr,
			PROG ": warning: this kernel does not implement %zu syscall%s the profile "
			     "allows on x86_64 (%s%s); they fail with ENOSYS\n",
			n, n == 1 ? "" : "s", names, n > 8 ? ", ..." : "");
}

static void describe(const struct eu_profile *p, const struct enforce_opts *o, const char *path)
{
	char list[480], caps[512], deny[64];

	eu_caps_format(p->caps_used, list, sizeof(list));
	snprintf(caps, sizeof(caps), "[%s]", list);
	if (p->caps_unknown)
		snprintf(caps, sizeof(caps), "unchanged (the profile does not know them)");
	if (o->filter.complain)
		snprintf(deny, sizeof(deny), "logged (complain mode)");
	else if (o->filter.deny == EU_DENY_ERRNO)
		snprintf(deny, sizeof(deny), "errno %d",
			 o->filter.deny_errno ? o->filter.deny_errno : EPERM);
	else
		snprintf(deny, sizeof(deny), "%s", eu_deny_name(o->filter.deny));
	fprintf(stderr,
		PROG ": %s: %zu syscalls allowed (x86_64 %zu, i386 %zu, x32 %zu) and %zu rules, "
		     "others %s; capabilities %s; running %s\n",
		o->profile, eu_profile_syscall_total(p, -1),
		eu_profile_syscall_total(p, EU_ARCH_X86_64),
		eu_profile_syscall_total(p, EU_ARCH_I386), eu_profile_syscall_total(p, EU_ARCH_X32),
		p->nrules, deny, o->filter.complain ? "unchanged (complain mode)" : caps, path);
}

/* The profile's default action as the options say it, for the JSON forms. */
static void default_from_options(struct eu_profile *p, const struct eu_filter_opts *f)
{
	if (!f->deny_set)
		return;
	p->has_default = true;
	p->default_deny = f->deny;
	p->default_errno = (uint32_t)(f->deny_errno ? f->deny_errno : EPERM);
}

/*
 * Write the profile into DIR/config.json: linux.seccomp, process.capabilities
 * and process.noNewPrivileges, every other field as it was. Checked first,
 * written atomically: a failure leaves the bundle as it was.
 */
static int write_bundle(struct enforce_opts *o, struct eu_profile *p, struct eu_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *cfg = NULL, *linux_, *process, *seccomp = NULL, *caps = NULL, *old_nnp;
	bool nnp;
	char list[480];
	int rc = -1;

	if (eu_oci_config_load(o->bundle, &path, &cfg, err))
		return -1;
	if (!o->no_allowance) {
		_cleanup_free_ char *from = NULL;
		size_t added;

		if (eu_runtime_allowance_add(p, &added, &from, err))
			goto out;
		if (!o->quiet)
			fprintf(stderr,
				PROG ": added the runtime allowance: %zu syscalls runc's init may make "
				     "after loading the filter (%s)\n",
				added, from);
	}
	if (o->monitor) {
		size_t added;

		if (eu_runtime_allowance_handover(p, &added, err))
			goto out;
		if (added && !o->quiet)
			fprintf(stderr,
				PROG ": added %zu syscalls runc's init makes to hand the filter's "
				     "listener over (read, close)\n",
				added);
	}
	default_from_options(p, &o->filter);
	if (eu_seccomp_json(p, EU_JSON_OCI, NULL, &seccomp, err) ||
	    (!p->caps_unknown && eu_oci_capabilities(p, &caps, err)))
		goto out;
	if (o->monitor) {
		char meta[PATH_MAX + 128];

		if (monitor_metadata(o, false, meta, sizeof(meta), err) ||
		    eu_seccomp_json_notify(p, EU_JSON_OCI, seccomp, EU_SECCOMP_SOCKET, meta, err))
			goto out;
	}
	linux_ = eu_json_get(cfg, "linux", json_type_object);
	process = eu_json_get(cfg, "process", json_type_object);
	if (!linux_) {
		linux_ = json_object_new_object();
		if (!linux_ || json_object_object_add(cfg, "linux", linux_)) {
			json_object_put(linux_);
			eu_fail(err, EU_E_INTERNAL, 0, "out of memory");
			goto out;
		}
	}
	/*
	 * no_new_privs, unless the bundle says false: runc loads the filter at
	 * another point then, and makes other syscalls after it, so a profile
	 * learned that way may not start the container with it set.
	 */
	nnp = json_object_object_get_ex(process, "noNewPrivileges", &old_nnp) &&
	      json_object_is_type(old_nnp, json_type_boolean) && !json_object_get_boolean(old_nnp);
	if (json_object_object_add(linux_, "seccomp", seccomp) ||
	    (caps && json_object_object_add(process, "capabilities", caps)) ||
	    (!nnp && json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(1)))) {
		eu_fail(err, EU_E_INTERNAL, 0, "out of memory");
		goto out;
	}
	seccomp = caps = NULL; /* owned by cfg now */
	if (eu_json_save(cfg, path, err))
		goto out;
	if (!o->quiet) {
		eu_caps_format(p->caps_used, list, sizeof(list));
		fprintf(stderr,
			PROG ": wrote %s into %s: linux.seccomp (%zu syscalls, %zu rules), "
			     "process.capabilities %s%s%s%s\n",
			o->profile, path, eu_profile_syscall_total(p, -1), p->nrules,
			p->caps_unknown ? "as they were" : "[", p->caps_unknown ? "" : list,
			p->caps_unknown ? "" : "]", nnp ? "" : ", process.noNewPrivileges");
	}
	if (p->caps_unknown)
		fprintf(stderr,
			PROG ": warning: %s was learned where the kernel could not trace capability "
			     "checks (capabilities.learned: false): the bundle's capabilities are left "
			     "as they were\n",
			o->profile);
	if (o->monitor && !o->quiet)
		fprintf(stderr,
			PROG ": the container hands what its profile refuses to eunomia monitor "
			     "(linux.seccomp.listenerPath %s): the monitor must run when it starts, or "
			     "runc refuses to start it\n",
			EU_SECCOMP_SOCKET);
	if (nnp)
		fprintf(stderr,
			PROG ": warning: %s sets noNewPrivileges to false, and it stays so: the "
			     "runtime makes other syscalls after loading the filter when it is true, "
			     "so a profile learned with false may not start the container with true\n",
			path);
	if (eu_seccomp_json_is_union(p))
		fprintf(stderr,
			PROG ": warning: the profile allows different syscalls on different "
			     "architectures; an OCI config names syscalls for all of them, so each "
			     "gets the union\n");
	if (p->meta.boundary == EU_BOUNDARY_EXEC)
		fprintf(stderr,
			PROG ": warning: %s was learned from the container's execve, with no seccomp "
			     "filter loaded: what the runtime does between loading this filter and "
			     "that execve is not in it, and the container may not start. Learn it "
			     "again under eunomia export --learning's filter\n",
			o->profile);
	rc = 0;
out:
	json_object_put(seccomp);
	json_object_put(caps);
	json_object_put(cfg);
	return rc;
}

static int run(struct enforce_opts *o, struct eu_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct eu_profile *p = NULL;
	scmp_filter_ctx ctx = NULL;
	int rc;

	if (eu_profile_load(o->profile, &p, err))
		return -1;
	if (o->bundle) {
		rc = write_bundle(o, p, err);
		eu_profile_free(p);
		return rc;
	}
	eu_filter_default_from(&o->filter, p);
	o->filter.notify = o->monitor;
	/*
	 * The command waits in its execve for the monitor, which lets it go on:
	 * where the profile allows execve. Where it does not (complain), the
	 * execve is handed over as a refusal, and waits all the same.
	 */
	o->filter.notify_exec = o->monitor && exec_allowed(p);
	if (check_exec_allowed(p, o, err) || eu_filter_build(p, &o->filter, &ctx, err) ||
	    eu_find_program(o->command[0], &path, err))
		goto fail;
	if (o->monitor) {
		char meta[PATH_MAX + 128];
		struct stat st;

		/* one line now rather than a command killed by the helper later */
		if (stat(EU_SECCOMP_SOCKET, &st) < 0 || !S_ISSOCK(st.st_mode)) {
			eu_fail(err, EU_E_RUNTIME, 0,
				"--monitor: no eunomia monitor listens on " EU_SECCOMP_SOCKET
				" (start 'eunomia monitor', or leave out --monitor)");
			goto fail;
		}
		if (monitor_metadata(o, o->filter.notify_exec, meta, sizeof(meta), err) ||
		    eu_handoff_start(meta, err))
			goto fail;
	}
	if (!o->quiet) {
		describe(p, o, path);
		warn_unknown_to_kernel(p, o);
	}
	/*
	 * Complain mode changes no privilege: it only watches. A profile that
	 * does not know the capabilities leaves them as they are (and as a
	 * change of user makes them: none for a user other than root).
	 */
	if (!o->filter.complain &&
	    (p->caps_unknown ? eu_privs_unchanged(&o->user, err)
			     : eu_privs_apply(p->caps_used, &o->user, err)))
		goto fail;
	rc = seccomp_load(ctx);
	if (rc) {
		eu_fail(err, EU_E_KERNEL, -rc, "the kernel refused the seccomp filter");
		goto fail;
	}
	/*
	 * Nothing is freed before the execve: the filter holds this process
	 * already, and a free that gives memory back to the kernel (munmap,
	 * madvise, brk: more often under AddressSanitizer) may be a call the
	 * profile refuses, which --monitor hands to the monitor, and a refused
	 * munmap makes a sanitized allocator abort.
	 */
	execv(path, o->command);
	/* Only a denied execve or a race with the file lands here. */
	eu_fail(err, EU_E_CHILD, errno, "cannot run %s", path);
fail:
	if (ctx)
		seccomp_release(ctx);
	eu_profile_free(p);
	return -1;
}

EU_DEFINE_COMMAND(cmd_enforce, struct enforce_opts, parse_args, run, PROG)
