// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls the monitor's seccomp agent answers (see agent.c): who made each,
 * from /proc, only when it makes an event; the answer the listener's metadata
 * asks for; the count.
 */
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent_int.h"
#include "agent_proto.h"
#include "argspec.h"
#include "cleanup.h"
#include "notify_rates.h"
#include "syscalls.h"

#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#define AUDIT_ARCH_I386 0x40000003U
#endif
#define SIGKILL_NR 9

/* Let a command's execve that waited for the binding go on. */
void agent_release_exec(struct agent *a, struct held *h)
{
	if (!h->exec_waiting)
		return;
	memset(a->resp, 0, a->sizes.seccomp_notif_resp);
	a->resp->id = h->exec_id;
	a->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (h->fd >= 0)
		seccomp_notify_respond(h->fd, a->resp);
	h->exec_waiting = false;
}

/* Who made the call: its thread group, parent and name, from /proc (read before it is answered). */
static void who(pid_t tid, struct mon_event *e)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;

	e->pid = e->tgid = (uint32_t)tid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "Name:\t%15[^\n]", e->comm) == 1)
			continue;
		if (sscanf(line, "Tgid:\t%u", &v) == 1)
			e->tgid = v;
		else if (sscanf(line, "PPid:\t%u", &v) == 1)
			e->ppid = v;
	}
}

/* The call's ABI and number as the events name them. */
static void abi_of(const struct seccomp_data *d, struct mon_event *e)
{
	e->arch = EU_ARCH_X86_64;
	e->what = d->nr;
	if (d->arch == AUDIT_ARCH_I386) {
		e->arch = EU_ARCH_I386;
	} else if (d->nr & EU_X32_SYSCALL_BIT) {
		e->arch = EU_ARCH_X32;
		e->what = d->nr & ~EU_X32_SYSCALL_BIT;
	}
}

/*
 * The call exec=go lets through: the native execve, which the profile allows
 * (eunomia enforce says exec=go only then) and the filter hands over only for
 * the command to wait in. execveat, and execve of the other ABIs, are the
 * profile's to decide: the filter notifies those only when it refuses them.
 */
static bool is_exec_call(const struct mon_event *e)
{
	return e->arch == EU_ARCH_X86_64 && e->what == eu_syscall_nr(EU_ARCH_X86_64, "execve");
}

/* One call the filter refused: answered as the listener's metadata says, then counted. */
void agent_answer(struct agent *a, struct held *h)
{
	struct seccomp_notif *req = a->req;
	struct seccomp_notif_resp *resp = a->resp;
	struct mon_event e = { 0 };
	struct eu_nrate_key k;
	uint64_t now;
	bool daemon_up, details;

	memset(req, 0, a->sizes.seccomp_notif); /* the kernel refuses a request with data in it */
	if (seccomp_notify_receive(h->fd, req))
		return; /* the caller is gone (ENOENT) */
	abi_of(&req->data, &e);
	memset(resp, 0, a->sizes.seccomp_notif_resp);
	resp->id = req->id;
	/*
	 * eunomia enforce's command waits in its execve until the agent holds its
	 * listener, and then until a daemon holds its container, if one runs: it is
	 * watched from its first instruction.
	 */
	if (h->meta.exec_go && is_exec_call(&e)) {
		if (h->slot == EU_AGENT_UNBOUND && a->daemon >= 0 && !h->exec_waiting) {
			h->exec_waiting = true;
			h->exec_id = req->id;
			h->exec_since = agent_now_ns();
			return;
		}
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		seccomp_notify_respond(h->fd, resp);
		return;
	}
	e.kind = h->meta.mode == EU_LISTEN_COMPLAIN ? MON_EV_SYSCALL : MON_EV_DENIAL;
	k = (struct eu_nrate_key){ .listener = h->id, .kind = e.kind, .arch = e.arch, .nr = e.what,
				   .value = eu_argspec_key((int)e.arch, e.what,
							   (const uint64_t *)req->data.args) };
	now = agent_now_ns();
	daemon_up = agent_deliverable(a, h->id);
	/*
	 * A call only counted needs no details: /proc is read for those that make an
	 * event, and for a kill (whose signal goes to the thread group).
	 */
	details = h->meta.mode == EU_LISTEN_KILL ||
		  eu_nrates_wants_info(a->rates, &k, now, MON_INTERVAL_NS, daemon_up);
	e.pid = e.tgid = req->pid;
	if (details) {
		who((pid_t)req->pid, &e);
		/* what was read of /proc names that task only if it still waits on this call */
		if (seccomp_notify_id_valid(h->fd, req->id))
			return;
	}
	for (int i = 0; i < 6; i++)
		e.args[i] = req->data.args[i];
	e.ct = h->slot;
	e.generation = h->generation;
	switch (h->meta.mode) {
	case EU_LISTEN_COMPLAIN:
		e.action = MON_ACT_ALERTED;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	case EU_LISTEN_KILL: {
		_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, (pid_t)e.tgid, 0);

		e.action = MON_ACT_KILLED;
		e.ret = SIGKILL_NR;
		if (pfd >= 0)
			syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
		resp->error = -h->meta.errnum;
		break;
	}
	default:
		e.action = MON_ACT_DENIED;
		e.ret = h->meta.errnum;
		resp->error = -h->meta.errnum;
	}
	seccomp_notify_respond(h->fd, resp); /* ENOENT: killed meanwhile; it is counted all the same */
	eu_nrates_hit(a->rates, &k, details ? &e : NULL, now, MON_INTERVAL_NS, daemon_up,
		      agent_deliver, a);
}
