// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profile to seccomp filter. One libseccomp context per architecture, because
 * each architecture has its own syscall set; the contexts are merged into one
 * filter. Rules are added by name, so libseccomp's own knowledge of each ABI
 * (x32's syscall bit, i386's socketcall and ipc multiplexers) applies.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "cleanup.h"
#include "filter.h"
#include "syscalls.h"

void eu_filter_default_from(struct eu_filter_opts *o, const struct eu_profile *p)
{
	if (o->deny_set || !p->has_default)
		return;
	o->deny = p->default_deny;
	o->deny_errno = (int)p->default_errno;
}

uint32_t eu_filter_deny_action(const struct eu_filter_opts *o)
{
	if (o->complain)
		return SCMP_ACT_LOG;
	switch (o->deny) {
	case EU_DENY_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case EU_DENY_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_ERRNO((uint32_t)(o->deny_errno ? o->deny_errno : EPERM));
	}
}

/*
 * Hot syscalls first: libseccomp tests higher priorities earlier. A logarithmic scale keeps a syscall seen a million
 * times ahead of one seen a thousand times without saturating.
 */
uint8_t eu_filter_priority(uint64_t count)
{
	double p;

	if (!count)
		return 0;
	p = 1.0 + 12.0 * log2((double)count + 1.0);
	return p >= 255.0 ? 255 : (uint8_t)p;
}

static int scmp_fail(struct eu_err *err, int rc, const char *what)
{
	return eu_fail(err, EU_E_KERNEL, -rc, "libseccomp: %s", what);
}

/* Every context gets the same attributes, or libseccomp refuses to merge them. */
static int set_attrs(scmp_filter_ctx ctx, const struct eu_filter_opts *o, struct eu_err *err)
{
	int rc;

	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			      o->complain ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	if (rc)
		return scmp_fail(err, rc, "cannot make unknown architectures fatal");
	if (!o->linear) {
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
		if (rc)
			return scmp_fail(err, rc, "cannot ask for a binary tree filter");
	}
	return 0;
}

/*
 * libseccomp's number for syscall nr of arch, or __NR_SCMP_ERROR. By name:
 * libseccomp takes native numbers (or its pseudo-numbers for syscalls the
 * native ABI lacks) and maps them to the filter's ABI. A number it has no name
 * for can only be taken as it is, on the native ABI.
 */
static int resolve_nr(int arch, int nr, const char *name)
{
	if (name)
		return seccomp_syscall_resolve_name(name);
	return eu_arch_token(arch) == seccomp_arch_native() ? nr : __NR_SCMP_ERROR;
}

/* resolve_nr(), failing with the reason when there is no such number. */
static int scmp_nr(int arch, int nr, struct eu_err *err)
{
	_cleanup_free_ char *name = eu_syscall_name(arch, nr);
	int snr = resolve_nr(arch, nr, name);

	if (snr != __NR_SCMP_ERROR)
		return snr;
	if (name)
		eu_fail(err, EU_E_PROFILE, 0, "libseccomp does not know syscall %s of architecture %s",
			name, eu_arch_name(arch));
	else
		eu_fail(err, EU_E_PROFILE, 0,
			"syscall number %d of architecture %s has no name in libseccomp, so no "
			"filter can allow it",
			nr, eu_arch_name(arch));
	return __NR_SCMP_ERROR;
}

static const enum scmp_compare cmp_ops[] = {
	[EU_CMP_EQ] = SCMP_CMP_EQ, [EU_CMP_NE] = SCMP_CMP_NE, [EU_CMP_LT] = SCMP_CMP_LT,
	[EU_CMP_LE] = SCMP_CMP_LE, [EU_CMP_GT] = SCMP_CMP_GT, [EU_CMP_GE] = SCMP_CMP_GE,
	[EU_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/*
 * What a call that no rule decides gets. In notify mode that is the monitor,
 * so that a call of a syscall allowed by argument rules reaches it when no
 * rule allows it. The default covers every such call, whatever its rules
 * compare: an unconditional NOTIFY rule would replace the syscall's
 * conditional rules (libseccomp keeps the unconditional one, added before or
 * after), and a catch-all condition (argN >= 0, which the OCI form needs, as
 * runc refuses a NOTIFY default) covers only rules on one argument.
 */
static uint32_t default_action(const struct eu_filter_opts *o)
{
	return o->notify ? SCMP_ACT_NOTIFY : eu_filter_deny_action(o);
}

/* The profile's rules for one architecture. */
static int add_rules(scmp_filter_ctx ctx, const struct eu_profile *p, int arch,
		     const struct eu_filter_opts *o, struct eu_err *err)
{
	uint32_t dflt = default_action(o);

	for (size_t i = 0; i < p->nrules; i++) {
		const struct eu_rule *r = &p->rules[i];
		struct scmp_arg_cmp cmp[EU_RULE_MAX_CONDS];
		uint32_t action = r->errnum ? SCMP_ACT_ERRNO(r->errnum) : SCMP_ACT_ALLOW;
		int snr, rc;

		if (r->arch != arch)
			continue;
		/* Complain mode denies nothing, a rule's errno included: it logs. */
		if (o->complain && r->errnum)
			action = SCMP_ACT_LOG;
		/*
		 * What the default does already needs no rule (libseccomp refuses one);
		 * under a notify default, an errno equal to the deny action's is a rule
		 * still, or its calls would go to the monitor.
		 */
		if (action == dflt)
			continue;
		snr = scmp_nr(arch, r->nr, err);
		if (snr == __NR_SCMP_ERROR)
			return -1;
		for (unsigned int j = 0; j < r->ncond; j++) {
			const struct eu_cond *c = &r->cond[j];
			bool masked = c->op == EU_CMP_MASKED_EQ;

			cmp[j] = (struct scmp_arg_cmp){
				.arg = c->arg,
				.op = cmp_ops[c->op],
				.datum_a = masked ? c->mask : c->value,
				.datum_b = masked ? c->value : 0,
			};
		}
		rc = seccomp_rule_add_array(ctx, action, snr, r->ncond, cmp);
		if (rc) {
			_cleanup_free_ char *name = eu_syscall_name(arch, r->nr);
			char text[256];

			eu_rule_format(r, text, sizeof(text));
			return eu_fail(err, EU_E_PROFILE, -rc,
				       "libseccomp refused the rule '%s' for %s on %s", text, name,
				       eu_arch_name(arch));
		}
	}
	return 0;
}

/* The newest syscall number the profile names on this ABI (allowed or ruled), or -1. */
static int newest_nr(const struct eu_profile *p, int arch)
{
	int newest = -1;

	for (int nr = 0; nr < EU_NR_MAX; nr++)
		if (eu_profile_has_syscall(p, arch, nr) || eu_profile_has_rules(p, arch, nr))
			newest = nr;
	return newest;
}

/* Does add_enosys_new() give syscall nr ENOSYS? */
static bool enosys_new(const struct eu_filter_opts *o, int newest, int nr)
{
	return o->enosys_new && eu_filter_deny_action(o) != SCMP_ACT_ERRNO(ENOSYS) && nr > newest;
}

/* ENOSYS for every syscall number above the newest the profile names on this ABI. */
static int add_enosys_new(scmp_filter_ctx ctx, int arch, int newest,
			  const struct eu_filter_opts *o, struct eu_err *err)
{
	if (!enosys_new(o, newest, newest + 1))
		return 0;
	for (int nr = newest + 1; nr < EU_NR_MAX; nr++) {
		_cleanup_free_ char *name = eu_syscall_name(arch, nr);
		int snr = resolve_nr(arch, nr, name);
		int rc;

		/* a number libseccomp cannot place on this ABI is a number the kernel has not */
		if (snr == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), snr, 0);
		if (rc && rc != -EEXIST)
			return eu_fail(err, EU_E_PROFILE, -rc,
				       "libseccomp: cannot make syscall %d of %s fail with ENOSYS", nr,
				       eu_arch_name(arch));
	}
	return 0;
}

/* runc's init writes under the filter before the monitor has its listener. */
static const char *const never_notified[] = { "write" };

bool eu_filter_never_notified(const char *name)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(never_notified); i++)
		if (!strcmp(name, never_notified[i]))
			return true;
	return false;
}

/* The call notify_exec hands to the monitor although the profile allows it: the native execve. */
static bool is_exec(int arch, const char *name)
{
	return arch == eu_arch_native() && !strcmp(name, "execve");
}

/*
 * The deny action, under a notify default, for the syscalls the monitor never
 * hears (eu_filter_never_notified()) that nothing else decides. One the profile
 * allows by argument rules keeps them: an unconditional rule would replace
 * them, so its calls that no rule allows go to the monitor.
 */
static int add_never_notified(scmp_filter_ctx ctx, const struct eu_profile *p, int arch,
			      int newest, const struct eu_filter_opts *o, struct eu_err *err)
{
	uint32_t deny = eu_filter_deny_action(o);

	if (!o->notify)
		return 0;
	for (size_t i = 0; i < EU_ARRAY_SIZE(never_notified); i++) {
		const char *name = never_notified[i];
		int nr = eu_syscall_nr(arch, name), snr, rc;

		if (nr < 0 || eu_profile_has_syscall(p, arch, nr) ||
		    eu_profile_has_rules(p, arch, nr) || enosys_new(o, newest, nr))
			continue;
		snr = resolve_nr(arch, nr, name);
		if (snr == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(ctx, deny, snr, 0);
		if (rc)
			return eu_fail(err, EU_E_PROFILE, -rc,
				       "libseccomp: cannot keep %s of %s from the monitor", name,
				       eu_arch_name(arch));
	}
	return 0;
}

/* The filter for one architecture of the profile. */
static int arch_filter(const struct eu_profile *p, int arch, const struct eu_filter_opts *o,
		       scmp_filter_ctx *out, struct eu_err *err)
{
	uint32_t token = eu_arch_token(arch);
	scmp_filter_ctx ctx;
	int rc, newest;

	ctx = seccomp_init(default_action(o));
	if (!ctx)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "libseccomp: cannot create a filter");
	if (token != seccomp_arch_native()) {
		rc = seccomp_arch_add(ctx, token);
		if (!rc)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (rc) {
			seccomp_release(ctx);
			return scmp_fail(err, rc, "cannot build a filter for this architecture");
		}
	}
	if (set_attrs(ctx, o, err))
		goto fail;
	for (int nr = 0; nr < EU_NR_MAX; nr++) {
		int snr;

		if (!eu_profile_has_syscall(p, arch, nr))
			continue;
		if (o->notify && o->notify_exec) { /* the default hands it to the monitor */
			_cleanup_free_ char *name = eu_syscall_name(arch, nr);

			if (name && is_exec(arch, name))
				continue;
		}
		snr = scmp_nr(arch, nr, err);
		if (snr == __NR_SCMP_ERROR)
			goto fail;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, snr, 0);
		if (!rc)
			rc = seccomp_syscall_priority(ctx, snr,
						      eu_filter_priority(p->arch[arch].count[nr]));
		if (rc) {
			_cleanup_free_ char *name = eu_syscall_name(arch, nr);

			eu_fail(err, EU_E_PROFILE, -rc, "libseccomp: cannot allow %s on %s",
				name ? name : "a syscall", eu_arch_name(arch));
			goto fail;
		}
	}
	newest = newest_nr(p, arch);
	if (add_rules(ctx, p, arch, o, err) || add_enosys_new(ctx, arch, newest, o, err) ||
	    add_never_notified(ctx, p, arch, newest, o, err))
		goto fail;
	*out = ctx;
	return 0;
fail:
	seccomp_release(ctx);
	return -1;
}

/* SECCOMP_RET_LOG and SECCOMP_RET_KILL_PROCESS need API level 3 (Linux 4.14). */
static int check_actions(const struct eu_filter_opts *o, struct eu_err *err)
{
	bool needs_3 = o->complain || o->deny == EU_DENY_LOG || o->deny == EU_DENY_KILL_PROCESS;

	if (needs_3 && seccomp_api_get() < 3)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "%s needs seccomp's log and kill-process actions (Linux 4.14 or "
			       "later with libseccomp 2.4); this system has API level %u",
			       o->complain ? "complain mode" : eu_deny_name(o->deny),
			       seccomp_api_get());
	if (o->notify && seccomp_api_get() < 6)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "handing refused calls to the monitor needs seccomp user notification "
			       "(Linux 5.7 or later with libseccomp 2.5); this system has API level %u",
			       seccomp_api_get());
	if (o->deny == EU_DENY_ERRNO && (o->deny_errno < 0 || o->deny_errno > 4095))
		return eu_fail(err, EU_E_USAGE, 0, "errno %d is out of range (1 to 4095)",
			       o->deny_errno);
	return 0;
}

int eu_filter_build(const struct eu_profile *p, const struct eu_filter_opts *o,
		    scmp_filter_ctx *out, struct eu_err *err)
{
	scmp_filter_ctx all = NULL, one = NULL;
	int rc;

	if (check_actions(o, err))
		return -1;
	for (int arch = 0; arch < EU_ARCH_COUNT; arch++) {
		if (!p->arch[arch].present)
			continue;
		if (arch_filter(p, arch, o, &one, err))
			goto fail;
		if (!all) {
			all = one;
			continue;
		}
		rc = seccomp_merge(all, one);
		if (rc) {
			seccomp_release(one);
			scmp_fail(err, rc, "cannot merge the filters of two architectures");
			goto fail;
		}
	}
	if (!all)
		return eu_fail(err, EU_E_PROFILE, 0,
			       "the profile lists no architecture, so it would allow no syscall");
	*out = all;
	return 0;
fail:
	if (all)
		seccomp_release(all);
	return -1;
}
