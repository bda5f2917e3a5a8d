// SPDX-License-Identifier: GPL-2.0-only
/* Which programs do the monitor's jobs on this kernel (see monitor_jobs.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf_probe.h"
#include "cleanup.h"
#include "monitor_jobs.h"

#define MAX_WAYS 2

/* One way to do a job. */
struct way {
	const char *how;	   /* as the start-up line names it */
	const char *kind, *target; /* its probe (EUNOMIA_REFUSE's words); no kind: user space */
	const char *progs[2];	   /* its program: [0] with the fast path, [1] without */
	bool lsm;		   /* a BPF-LSM hook: the three are taken together */
};

static const struct way ways[MON_JOBS][MAX_WAYS] = {
	[MON_JOB_SYSCALLS] = {
		{ "tp_btf/sys_enter", "tp_btf", "sys_enter",
		  { "mon_sys_enter_btf", "mon_sys_enter_btf_nocast" } },
		{ "raw_tp/sys_enter", "raw_tp", "sys_enter", { "mon_sys_enter_raw" } },
	},
	[MON_JOB_ERRNO] = {
		{ "tp_btf/sys_exit", "tp_btf", "sys_exit",
		  { "mon_sys_exit_btf", "mon_sys_exit_btf_nocast" } },
		{ "raw_tp/sys_exit", "raw_tp", "sys_exit", { "mon_sys_exit_raw" } },
	},
	[MON_JOB_KILL] = {
		{ "tp_btf/signal_generate", "tp_btf", "signal_generate", { "mon_signal_btf" } },
		{ "raw_tp/signal_generate", "raw_tp", "signal_generate", { "mon_signal_raw" } },
	},
	[MON_JOB_CAPS] = {
		{ "lsm/capable", "lsm", "capable", { "mon_lsm_capable" }, true },
		{ "tp_btf/cap_capable", "tp_btf", "cap_capable", { "mon_cap_tp" } },
	},
	[MON_JOB_EXECS] = {
		{ "lsm/bprm_check_security", "lsm", "bprm_check_security", { "mon_lsm_bprm" }, true },
		/* mon_exec, one of the process programs, judges them then */
		{ "tp_btf/sched_process_exec" },
	},
	[MON_JOB_FAMILIES] = {
		{ "lsm/socket_create", "lsm", "socket_create", { "mon_lsm_socket" }, true },
	},
	[MON_JOB_SEED] = {
		{ "iter/task", "iter", "task", { "mon_seed" } },
		{ "/proc and pidfds, held from their next syscall" },
	},
	[MON_JOB_FLUSH] = {
		{ "iter/bpf_map_elem", "iter", "bpf_map_elem", { "mon_flush" } },
		{ "a sweep of the rate table from user space" },
	},
};

static const char *const job_names[MON_JOBS] = {
	[MON_JOB_SYSCALLS] = "syscalls",
	[MON_JOB_ERRNO] = "syscalls seccomp refused (errno)",
	[MON_JOB_KILL] = "syscalls seccomp refused (kill)",
	[MON_JOB_CAPS] = "capabilities",
	[MON_JOB_EXECS] = "executions",
	[MON_JOB_FAMILIES] = "socket families",
	[MON_JOB_SEED] = "running containers' processes",
	[MON_JOB_FLUSH] = "suppressed counts",
};

/* The programs that follow processes, which the monitor cannot do without. */
static const struct {
	const char *prog, *tp;
} base[] = {
	{ "mon_fork", "sched_process_fork" },
	{ "mon_exec", "sched_process_exec" },
	{ "mon_exit", "sched_process_exit" },
};

static const char *const lsm_hooks[] = { "capable", "bprm_check_security", "socket_create" };

/* What would make a refused program load: the hint ending each fatal line. */
static const char *remedy(const char *why)
{
	if (strstr(why, EU_REFUSE_ENV))
		return "; take it out of " EU_REFUSE_ENV;
	return "; it needs Linux 5.17 or later with BTF, where BPF tracing programs may load (not "
	       "under lockdown \"confidentiality\", nor refused by a security module)";
}

/* Add a reason to a job's why. */
static void note(struct mon_plan *pl, enum mon_job_id j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct mon_plan *pl, enum mon_job_id j, const char *fmt, ...)
{
	struct mon_job *job = &pl->info->jobs[j];
	size_t off = strlen(job->why);
	va_list ap;

	if (off && off + 2 < sizeof(job->why))
		off += (size_t)snprintf(job->why + off, sizeof(job->why) - off, "; ");
	if (off >= sizeof(job->why))
		return;
	va_start(ap, fmt);
	vsnprintf(job->why + off, sizeof(job->why) - off, fmt, ap);
	va_end(ap);
}

static void describe(struct mon_plan *pl, enum mon_job_id j)
{
	const struct mon_choice *c = &pl->c[j];
	struct mon_job *job = &pl->info->jobs[j];
	const struct way *w;

	if (c->way < 0) {
		job->how[0] = '\0';
		return;
	}
	w = &ways[j][c->way];
	snprintf(job->how, sizeof(job->how), "%s%s%s", w->how,
		 j == MON_JOB_SYSCALLS && w->progs[1]
			 ? (c->variant ? " (no fast path: no bpf_rdonly_cast)" : " (helper-free fast path)")
			 : "",
		 c->pinned ? " (an earlier monitor's)" : "");
	pl->info->lsm = (pl->c[MON_JOB_CAPS].way == 0 || pl->c[MON_JOB_EXECS].way == 0);
}

static bool probe_way(struct eu_probes *p, const struct way *w)
{
	if (!w->kind)
		return true;
	if (!strcmp(w->kind, "tp_btf"))
		return eu_probe_tp_btf(p, w->target);
	if (!strcmp(w->kind, "raw_tp"))
		return eu_probe_raw_tp(p, w->target);
	if (!strcmp(w->kind, "lsm"))
		return eu_probe_lsm(p, w->target);
	if (!strcmp(w->target, "task"))
		return eu_probe_iter_task(p);
	return eu_probe_iter_map(p);
}

/*
 * Job `j` from way `from` on: the first the kernel takes, the others' answers
 * in its why. `lsm_why`: why BPF-LSM is off, NULL when it is there.
 */
static void choose(struct mon_plan *pl, struct eu_probes *p, enum mon_job_id j, int from,
		   const char *lsm_why)
{
	struct mon_choice *c = &pl->c[j];

	c->way = -1;
	c->pinned = false;
	for (int w = from; w < MAX_WAYS && ways[j][w].how; w++) {
		if (ways[j][w].lsm && lsm_why) {
			note(pl, j, "no BPF-LSM");
			snprintf(pl->info->lsm_why, sizeof(pl->info->lsm_why), "%s", lsm_why);
			continue;
		}
		if (ways[j][w].lsm || probe_way(p, &ways[j][w])) {
			c->way = w;
			c->variant = ways[j][w].progs[1] && !pl->fast;
			break;
		}
		note(pl, j, "%s: %s", ways[j][w].how, eu_probes_why(p));
	}
	describe(pl, j);
}

/* The kernel's answer for the BPF-LSM hooks: NULL when all three load and attach. */
static const char *probe_lsm(struct eu_probes *p, char *buf, size_t size)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(lsm_hooks); i++)
		if (!eu_probe_lsm(p, lsm_hooks[i])) {
			snprintf(buf, size, "lsm/%s: %s", lsm_hooks[i], eu_probes_why(p));
			return buf;
		}
	return NULL;
}

static int probe_base(struct eu_probes *p, struct eu_err *err)
{
	if (!eu_probe_task_storage(p))
		return eu_fail(err, EU_E_KERNEL, 0,
			       "BPF task storage: %s: the monitor cannot tell a container's processes "
			       "without it; it needs Linux 5.17 or later with BTF",
			       eu_probes_why(p));
	for (size_t i = 0; i < EU_ARRAY_SIZE(base); i++)
		if (!eu_probe_tp_btf(p, base[i].tp))
			return eu_fail(err, EU_E_KERNEL, 0,
				       "tp_btf/%s: %s: the monitor cannot follow a container's "
				       "processes without it%s",
				       base[i].tp, eu_probes_why(p), remedy(eu_probes_why(p)));
	return 0;
}

int mon_plan_probe(struct mon_plan *pl, const struct mon_opts *o, struct mon_info *info,
		   struct eu_err *err)
{
	_cleanup_probes_ struct eu_probes *p = eu_probes_new();
	char lsm_buf[256];
	const char *lsm_why;

	memset(pl, 0, sizeof(*pl));
	memset(info, 0, sizeof(*info));
	pl->info = info;
	for (int j = 0; j < MON_JOBS; j++)
		pl->c[j].way = -1;
	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
	if (eu_refuse_check(err) || probe_base(p, err))
		return -1;
	choose(pl, p, MON_JOB_SEED, 0, NULL);
	info->no_denials = o->no_denials;
	if (o->register_only) /* loads only what registering runs */
		return 0;
	pl->fast = eu_probe_kfunc(p, "bpf_rdonly_cast");
	choose(pl, p, MON_JOB_SYSCALLS, 0, NULL);
	if (pl->c[MON_JOB_SYSCALLS].way < 0)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "no way to watch syscalls (%s): the monitor cannot check them%s",
			       info->jobs[MON_JOB_SYSCALLS].why,
			       remedy(info->jobs[MON_JOB_SYSCALLS].why));
	lsm_why = probe_lsm(p, lsm_buf, sizeof(lsm_buf));
	for (int j = MON_JOB_CAPS; j <= MON_JOB_FAMILIES; j++)
		choose(pl, p, (enum mon_job_id)j, 0, lsm_why);
	choose(pl, p, MON_JOB_FLUSH, 0, NULL);
	if (o->no_denials) {
		note(pl, MON_JOB_ERRNO, "--no-denials");
		note(pl, MON_JOB_KILL, "--no-denials");
	} else {
		choose(pl, p, MON_JOB_ERRNO, 0, NULL);
		choose(pl, p, MON_JOB_KILL, 0, NULL);
	}
	return 0;
}

static bool pinned(const char *prog)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), MON_PIN_DIR "/link_%s", prog);
	return stat(path, &st) == 0;
}

/* The way and variant of job `j` whose link is pinned, if any. */
static bool find_pinned(enum mon_job_id j, int *way, int *variant)
{
	for (int w = 0; w < MAX_WAYS && ways[j][w].how; w++)
		for (int v = 0; v < 2 && ways[j][w].progs[v]; v++)
			if (pinned(ways[j][w].progs[v])) {
				*way = w;
				*variant = v;
				return true;
			}
	return false;
}

void mon_plan_pickup(struct mon_plan *pl)
{
	int w, v;

	pl->base_pinned = 0;
	for (size_t i = 0; i < EU_ARRAY_SIZE(base); i++)
		pl->base_pinned += pinned(base[i].prog);
	for (int j = 0; j < MON_JOBS; j++) {
		struct mon_choice *c = &pl->c[j];

		if (j == MON_JOB_SEED || j == MON_JOB_FLUSH)
			continue; /* run by each daemon, never pinned */
		if (find_pinned((enum mon_job_id)j, &w, &v)) {
			c->way = w;
			c->variant = v;
			c->pinned = true;
		} else if (j == MON_JOB_EXECS && pinned("mon_exec")) {
			/* the earlier daemon's mon_exec judges executions (it had no BPF-LSM) */
			c->way = 1;
			c->pinned = true;
		} else {
			continue;
		}
		describe(pl, (enum mon_job_id)j);
	}
}

int mon_plan_refuse(struct mon_plan *pl, const char *prog, const char *why, struct eu_err *err)
{
	_cleanup_probes_ struct eu_probes *p = NULL;
	char lsm_why[256];

	for (size_t i = 0; i < EU_ARRAY_SIZE(base); i++)
		if (!strcmp(prog, base[i].prog))
			return eu_fail(err, EU_E_KERNEL, 0,
				       "tp_btf/%s (%s): %s: the monitor cannot follow a "
				       "container's processes without it%s",
				       base[i].tp, prog, why, remedy(why));
	for (int j = 0; j < MON_JOBS; j++) {
		const struct mon_choice *c = &pl->c[j];
		const struct way *w = c->way >= 0 ? &ways[j][c->way] : NULL;

		if (!w || !w->progs[c->variant] || strcmp(w->progs[c->variant], prog))
			continue;
		if (c->variant == 0 && w->progs[1]) { /* the same hook, without the fast path */
			pl->c[j].variant = 1;
			note(pl, (enum mon_job_id)j, "%s: %s", prog, why);
			describe(pl, (enum mon_job_id)j);
			return 0;
		}
		p = eu_probes_new();
		if (!p)
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
		if (w->lsm) { /* BPF-LSM goes as a whole, but for what an earlier daemon keeps */
			snprintf(lsm_why, sizeof(lsm_why), "%s: %s", w->how, why);
			for (int k = MON_JOB_CAPS; k <= MON_JOB_FAMILIES; k++)
				if (pl->c[k].way >= 0 && !pl->c[k].pinned && ways[k][pl->c[k].way].lsm)
					choose(pl, p, (enum mon_job_id)k, 0, lsm_why);
		} else {
			note(pl, (enum mon_job_id)j, "%s: %s", w->how, why);
			choose(pl, p, (enum mon_job_id)j, c->way + 1, NULL);
		}
		if (j == MON_JOB_SYSCALLS && pl->c[j].way < 0)
			return eu_fail(err, EU_E_KERNEL, 0,
				       "no way to watch syscalls (%s): the monitor cannot check "
				       "them%s",
				       pl->info->jobs[j].why, remedy(why));
		return 0;
	}
	return eu_fail(err, EU_E_KERNEL, 0, "the kernel refused %s, which the monitor did not ask for (%s)",
		       prog, why);
}

bool mon_plan_loads(const struct mon_plan *pl, const char *prog, bool register_only)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(base); i++)
		if (!strcmp(prog, base[i].prog))
			return !register_only && !(pl->base_pinned && pinned(prog));
	for (int j = 0; j < MON_JOBS; j++) {
		const struct mon_choice *c = &pl->c[j];
		const char *mine = c->way >= 0 ? ways[j][c->way].progs[c->variant] : NULL;

		if (mine && !strcmp(mine, prog))
			return !c->pinned && (!register_only || j == MON_JOB_SEED);
	}
	return false;
}

bool mon_plan_attaches(const struct mon_plan *pl, const char *prog)
{
	/* the iterators run on demand, not attached to an event */
	return mon_plan_loads(pl, prog, false) && strcmp(prog, "mon_seed") && strcmp(prog, "mon_flush");
}

unsigned int mon_plan_missing(const struct mon_plan *pl)
{
	unsigned int n = 0;

	for (size_t i = 0; i < EU_ARRAY_SIZE(base); i++)
		n += !pinned(base[i].prog);
	for (int j = 0; j < MON_JOBS; j++) {
		const struct mon_choice *c = &pl->c[j];
		const char *prog = c->way >= 0 ? ways[j][c->way].progs[c->variant] : NULL;

		if (j == MON_JOB_SEED || j == MON_JOB_FLUSH || !prog || mon_plan_is_syscall(prog))
			continue; /* run on demand, or attached only while needed */
		n += !pinned(prog);
	}
	return n;
}

bool mon_plan_best(const struct mon_plan *pl, enum mon_job_id job)
{
	return pl->c[job].way == 0;
}

/* Whether prog is one of the programs of jobs first to last, whatever the way. */
static bool is_job_prog(const char *prog, enum mon_job_id first, enum mon_job_id last)
{
	for (int j = first; j <= (int)last; j++)
		for (int w = 0; w < MAX_WAYS; w++)
			for (int v = 0; v < 2; v++)
				if (ways[j][w].progs[v] && !strcmp(ways[j][w].progs[v], prog))
					return true;
	return false;
}

bool mon_plan_is_syscall(const char *prog)
{
	return is_job_prog(prog, MON_JOB_SYSCALLS, MON_JOB_KILL);
}

bool mon_plan_is_denial(const char *prog)
{
	return is_job_prog(prog, MON_JOB_ERRNO, MON_JOB_KILL);
}

void mon_describe(const struct mon_info *in, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (int j = 0; j < MON_JOBS && off < size; j++) {
		const struct mon_job *job = &in->jobs[j];

		if (job->how[0])
			off += (size_t)snprintf(buf + off, size - off, "%s%s via %s%s%s%s",
						j ? "; " : "", job_names[j], job->how,
						job->why[0] ? " (" : "", job->why,
						job->why[0] ? ")" : "");
		else
			off += (size_t)snprintf(buf + off, size - off, "%s%s off (%s)", j ? "; " : "",
						job_names[j], job->why[0] ? job->why : "not asked for");
	}
	if (off < size)
		off += (size_t)snprintf(buf + off, size - off,
					"; the syscall programs run only while a container without "
					"eunomia's filter is held; what eunomia's filters refuse comes "
					"through the seccomp agent");
	if (off >= size)
		return;
	if (in->lsm)
		snprintf(buf + off, size - off, "; BPF-LSM: violations can be refused");
	else if (in->lsm_why[0])
		snprintf(buf + off, size - off, "; no BPF-LSM (%s): alerts only", in->lsm_why);
	else
		snprintf(buf + off, size - off, "; no BPF-LSM: alerts only");
}
