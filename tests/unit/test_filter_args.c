// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the argument rules of lib/filter.c and the rules lib/argspec.c
 * makes, as tables: a profile and a call with its arguments give a verdict,
 * asked of the filter libseccomp generates, in-process (seccomp_sim.h). One
 * test holds the simulator to the kernel's own verdicts.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/net.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "argspec.h"
#include "cleanup.h"
#include "filter.h"
#include "profile_yaml.h"
#include "seccomp_sim.h"
#include "syscalls.h"

#define ALLOW SECCOMP_RET_ALLOW
#define ERRNO(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define KILL SECCOMP_RET_KILL_PROCESS

/* glibc's fork() and pthread_create() flags: no namespace bit in either. */
#define FORK_FLAGS (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)
#define THREAD_FLAGS                                                                   \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
/* clone3's arguments: a pointer to struct clone_args and its size (CLONE_ARGS_SIZE_VER2). */
#define CLONE3_ARGS 0x7ffd12340000ULL, 88

/*
 * What learning would write, less what eu_argspec_rule() adds below: socket
 * for AF_UNIX and AF_INET, clone without namespace flags, clone3 answered
 * ENOSYS, unshare allowed outright (as an imported profile may have it) and
 * bpf failed with EPERM by a rule (Docker's profile has such rules).
 */
static const char profile_yaml[] =
	"version: 1\n"
	"architectures:\n"
	"  x86_64:\n"
	"    syscalls:\n"
	"      exit_group: 1\n"
	"      read: 1\n"
	"      write: 1\n"
	"      unshare: 1\n"
	"    rules:\n"
	"      socket:\n"
	"      - allow if arg0 == 1\n"
	"      - allow if arg0 == 2\n"
	"      clone:\n"
	"      - allow if arg0 & 0x7e020080 == 0\n"
	"      clone3:\n"
	"      - errno 38\n"
	"      bpf:\n"
	"      - errno 1\n"
	"  i386:\n"
	"    syscalls:\n"
	"      exit_group: 1\n"
	"      read: 1\n"
	"    rules:\n"
	"      socket:\n"
	"      - allow if arg0 == 1\n"
	"      - allow if arg0 == 2\n"
	"      clone:\n"
	"      - allow if arg0 & 0x7e020080 == 0\n";

/* A value learning recorded, made into a rule by eu_argspec_rule() as learning does. */
struct learned {
	int arch;
	const char *syscall;
	uint64_t value;
};

static const struct learned learned[] = {
	{ EU_ARCH_X86_64, "socket", AF_INET6 },
	{ EU_ARCH_X86_64, "prctl", PR_SET_NAME },
	{ EU_ARCH_X86_64, "prctl", PR_SET_NO_NEW_PRIVS },
	{ EU_ARCH_X86_64, "ioctl", TCGETS },
	{ EU_ARCH_X86_64, "ioctl", FIONREAD },
	{ EU_ARCH_X86_64, "setns", CLONE_NEWNET },
	/* the namespace bits alone: the same rule as the profile's own, kept once */
	{ EU_ARCH_X86_64, "clone", FORK_FLAGS },
};

struct row {
	const char *abi; /* "x86_64", "i386" or "x32" */
	const char *syscall;
	uint64_t args[6];
	uint32_t want;
};

/* The filter as `eunomia enforce` builds it: the profile's default, else EPERM. */
static const struct row enforce_rows[] = {
	/* socket: the learned families pass, netlink and packet sockets do not */
	{ "x86_64", "socket", { AF_UNIX, SOCK_STREAM }, ALLOW },
	{ "x86_64", "socket", { AF_INET, SOCK_STREAM }, ALLOW },
	{ "x86_64", "socket", { AF_INET6, SOCK_DGRAM }, ALLOW },
	{ "x86_64", "socket", { AF_NETLINK, SOCK_RAW }, ERRNO(EPERM) },
	{ "x86_64", "socket", { AF_PACKET, SOCK_RAW, 0x300 }, ERRNO(EPERM) },
	/* all 64 bits are compared: high bits the kernel's int would drop are refused too */
	{ "x86_64", "socket", { (1ULL << 32) | AF_INET, SOCK_STREAM }, ERRNO(EPERM) },
	/* clone: fork and thread flags pass, any namespace bit is refused */
	{ "x86_64", "clone", { FORK_FLAGS }, ALLOW },
	{ "x86_64", "clone", { THREAD_FLAGS }, ALLOW },
	{ "x86_64", "clone", { CLONE_NEWUSER | SIGCHLD }, ERRNO(EPERM) },
	{ "x86_64", "clone", { CLONE_NEWNS }, ERRNO(EPERM) },
	{ "x86_64", "clone", { CLONE_NEWNET | CLONE_NEWPID | FORK_FLAGS }, ERRNO(EPERM) },
	/* clone3's flags are behind a pointer: ENOSYS, so that glibc falls back to clone */
	{ "x86_64", "clone3", { CLONE3_ARGS }, ERRNO(ENOSYS) },
	/* learned with eu_argspec_rule() */
	{ "x86_64", "prctl", { PR_SET_NAME }, ALLOW },
	{ "x86_64", "prctl", { PR_SET_NO_NEW_PRIVS, 1 }, ALLOW },
	{ "x86_64", "prctl", { PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE }, ERRNO(EPERM) },
	{ "x86_64", "ioctl", { 0, TCGETS }, ALLOW },
	{ "x86_64", "ioctl", { 1, FIONREAD }, ALLOW },
	{ "x86_64", "ioctl", { 0, TIOCSTI }, ERRNO(EPERM) },
	{ "x86_64", "setns", { 3, CLONE_NEWNET }, ALLOW },
	{ "x86_64", "setns", { 3, 0 }, ERRNO(EPERM) }, /* 0: whatever namespace fd 3 is */
	/* allowed outright: the arguments are not looked at */
	{ "x86_64", "unshare", { CLONE_NEWUSER | CLONE_NEWNS }, ALLOW },
	{ "x86_64", "read", { 0xffffffffffffffffULL, 0, 1ULL << 40 }, ALLOW },
	/* not in the profile */
	{ "x86_64", "reboot", { 0 }, ERRNO(EPERM) },
	{ "x86_64", "mount", { 0 }, ERRNO(EPERM) },
	{ "x86_64", "bpf", { 0 }, ERRNO(EPERM) }, /* its rule's errno is the default's */
	/* an ABI the profile does not list is killed */
	{ "x32", "read", { 0 }, KILL },
	/* i386 has its own section: the x86_64 rules do not reach it */
	{ "i386", "socket", { AF_INET, SOCK_STREAM }, ALLOW },
	{ "i386", "socket", { AF_NETLINK, SOCK_RAW }, ERRNO(EPERM) },
	/*
	 * i386 can also make a socket through socketcall(2), whose arguments are
	 * behind a pointer. libseccomp turns the rule "socket: allow if arg0 == 2"
	 * into "socketcall: allow if arg0 == SYS_SOCKET" and drops the family:
	 * socketcall(SYS_SOCKET) passes whatever family it carries (a netlink
	 * socket too), and its other calls (bind, socketpair) are refused.
	 */
	{ "i386", "socketcall", { SYS_SOCKET, 0xffd01000 }, ALLOW },
	{ "i386", "socketcall", { SYS_BIND, 0xffd01000 }, ERRNO(EPERM) },
	{ "i386", "socketcall", { SYS_SOCKETPAIR, 0xffd01000 }, ERRNO(EPERM) },
	{ "i386", "clone", { SIGCHLD }, ALLOW },
	{ "i386", "clone", { CLONE_NEWUSER | SIGCHLD }, ERRNO(EPERM) },
	{ "i386", "prctl", { PR_SET_NAME }, ERRNO(EPERM) },
	{ "i386", "read", { 0 }, ALLOW },
};

/* With the monitor (enforce --monitor): what the profile does not allow goes to it. */
static const struct row notify_rows[] = {
	{ "x86_64", "socket", { AF_INET, SOCK_STREAM }, ALLOW },
	{ "x86_64", "clone", { FORK_FLAGS }, ALLOW },
	{ "x86_64", "read", { 0 }, ALLOW },
	{ "x86_64", "reboot", { 0 }, NOTIFY },
	{ "x86_64", "execve", { 0 }, NOTIFY },
	/*
	 * A syscall with argument rules, called with arguments no rule allows, goes
	 * to the monitor like any refused call. This needs the notify default of
	 * lib/filter.c (default_action()), which another engineer was writing when
	 * this table was: before it, add_notify() left every syscall with rules to
	 * the deny action, and these calls got EPERM.
	 */
	{ "x86_64", "socket", { AF_NETLINK, SOCK_RAW }, NOTIFY },
	{ "x86_64", "clone", { CLONE_NEWUSER | SIGCHLD }, NOTIFY },
	{ "x86_64", "prctl", { PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE }, NOTIFY },
	{ "x86_64", "ioctl", { 0, TIOCSTI }, NOTIFY },
	{ "i386", "socket", { AF_NETLINK, SOCK_RAW }, NOTIFY },
	/* a rule's errno stays the rule's, the deny action's errno included */
	{ "x86_64", "clone3", { CLONE3_ARGS }, ERRNO(ENOSYS) },
	{ "x86_64", "bpf", { 0 }, ERRNO(EPERM) },
	/* runc's init writes before the monitor has its listener: write is never notified */
	{ "i386", "write", { 2 }, ERRNO(EPERM) },
	/*
	 * socketcall(SYS_SOCKET) is allowed by the rule libseccomp derives from
	 * the socket rules (above) and never reaches the monitor, whatever family
	 * it carries; socketcall's other calls go to the monitor.
	 */
	{ "i386", "socketcall", { SYS_SOCKET, 0xffd01000 }, ALLOW },
	{ "i386", "socketcall", { SYS_BIND, 0xffd01000 }, NOTIFY },
	{ "x32", "read", { 0 }, KILL },
};

/* The profile: the YAML, then the learned values' rules. */
static struct eu_profile *profile_new(void)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	assert_non_null(p);
	if (eu_profile_parse("profile_yaml", profile_yaml, strlen(profile_yaml), p, &err))
		fail_msg("%s", err.msg);
	for (const struct learned *l = learned; l < learned + EU_ARRAY_SIZE(learned); l++) {
		const struct eu_argspec *s = eu_argspec_by_name(l->syscall);
		int nr = eu_syscall_nr(l->arch, l->syscall);
		struct eu_rule r;

		assert_non_null(s);
		eu_argspec_rule(s, l->arch, nr, l->value, &r);
		if (eu_profile_add_rule(p, &r, &err))
			fail_msg("%s", err.msg);
	}
	return p;
}

/* The filter for the profile, built with the options enforce gives it. */
static void filter_export(const struct eu_profile *p, bool notify, bool linear,
			  struct sim_prog *prog, scmp_filter_ctx *keep)
{
	struct eu_filter_opts o = { .notify = notify, .linear = linear };
	struct eu_err err = { 0 };
	scmp_filter_ctx ctx = NULL;

	/* notify_exec stays off: enforce sets it only for a profile allowing execve */
	eu_filter_default_from(&o, p);
	if (eu_filter_build(p, &o, &ctx, &err))
		fail_msg("%s", err.msg);
	sim_export(ctx, prog);
	if (keep)
		*keep = ctx;
	else
		seccomp_release(ctx);
}

/* The filter's verdict on the row's call, with the seccomp_data the kernel would fill. */
static uint32_t row_verdict(const struct sim_prog *prog, const struct row *r)
{
	int arch = eu_arch_from_name(r->abi);
	struct seccomp_data d = { 0 };
	int nr;

	assert_true(arch >= 0);
	nr = eu_syscall_nr(arch, r->syscall);
	if (nr < 0)
		fail_msg("no syscall %s on %s", r->syscall, r->abi);
	/* an x32 call is an x86_64 one with the x32 bit in its number */
	d.arch = arch == EU_ARCH_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
	d.nr = arch == EU_ARCH_X32 ? nr | EU_X32_SYSCALL_BIT : nr;
	memcpy(d.args, r->args, sizeof(d.args));
	return sim_run(prog, &d);
}

/* Every row against the profile's filter, saying which disagree; returns how many. */
static int run_rows(const struct row *rows, size_t n, bool notify, bool linear)
{
	struct eu_profile *p = profile_new();
	struct sim_prog prog;
	int failures = 0;

	filter_export(p, notify, linear, &prog, NULL);
	for (const struct row *r = rows; r < rows + n; r++) {
		uint32_t ret = row_verdict(&prog, r);
		char want[32], got[32];

		if (ret == r->want)
			continue;
		print_error("%s %s(0x%llx, 0x%llx) (%s, %s): expected %s, got %s\n", r->abi,
			    r->syscall, (unsigned long long)r->args[0],
			    (unsigned long long)r->args[1], notify ? "notify" : "enforce",
			    linear ? "linear" : "binary tree",
			    sim_verdict_str(r->want, want, sizeof(want)),
			    sim_verdict_str(ret, got, sizeof(got)));
		failures++;
	}
	sim_free(&prog);
	eu_profile_free(p);
	return failures;
}

static void test_argument_rules_give_each_call_its_verdict(void **state)
{
	(void)state;
	assert_int_equal(run_rows(enforce_rows, EU_ARRAY_SIZE(enforce_rows), false, false), 0);
	assert_int_equal(run_rows(enforce_rows, EU_ARRAY_SIZE(enforce_rows), false, true), 0);
}

static void test_a_notify_filter_hands_refusals_to_the_monitor(void **state)
{
	(void)state;
	if (seccomp_api_get() < 6) {
		(void)printf("skipped: this system has no seccomp user notification "
			     "(API level %u)\n", seccomp_api_get());
		skip();
	}
	assert_int_equal(run_rows(notify_rows, EU_ARRAY_SIZE(notify_rows), true, false), 0);
	assert_int_equal(run_rows(notify_rows, EU_ARRAY_SIZE(notify_rows), true, true), 0);
}

/* The verdict of one x86_64 call, simulated. */
static uint32_t sim_x86_64(const struct sim_prog *prog, const char *syscall, uint64_t a0,
			   uint64_t a1)
{
	const struct row r = { "x86_64", syscall, { a0, a1 }, 0 };

	return row_verdict(prog, &r);
}

/*
 * The simulator is only as good as its agreement with the kernel: a child
 * under the same filter makes the calls for real. It exits with a bit set per
 * call that went otherwise than expected, 100 when it could not load the filter.
 */
static void test_the_kernel_agrees_with_the_simulator(void **state)
{
	struct eu_profile *p = profile_new();
	struct sim_prog prog;
	scmp_filter_ctx ctx;
	int status;
	pid_t pid;

	(void)state;
	filter_export(p, false, false, &prog, &ctx);
	assert_int_equal(sim_x86_64(&prog, "socket", AF_INET, SOCK_STREAM), ALLOW);
	assert_int_equal(sim_x86_64(&prog, "socket", AF_NETLINK, SOCK_RAW), ERRNO(EPERM));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int code = 0, inet, netlink;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || seccomp_load(ctx))
			syscall(SYS_exit_group, 100);
		/* the sockets close with the child: close(2) is not in the profile */
		inet = socket(AF_INET, SOCK_STREAM, 0);
		if (inet < 0)
			code |= 1;
		netlink = socket(AF_NETLINK, SOCK_RAW, 0);
		if (netlink != -1 || errno != EPERM)
			code |= 2;
		/*
		 * exit_group itself, not _exit(): a sanitizer build runs its no-return
		 * hook first, whose sigaltstack() the filter refuses.
		 */
		syscall(SYS_exit_group, code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	seccomp_release(ctx);
	sim_free(&prog);
	eu_profile_free(p);
}

static void test_argspec_finds_its_syscalls_by_name_and_number(void **state)
{
	static const struct {
		int arch, nr;
		const char *syscall; /* NULL: no argument is learned */
	} cases[] = {
		{ EU_ARCH_X86_64, 41, "socket" },
		{ EU_ARCH_X86_64, 53, "socketpair" },
		{ EU_ARCH_X86_64, 56, "clone" },
		{ EU_ARCH_X86_64, 435, "clone3" },
		{ EU_ARCH_X86_64, 272, "unshare" },
		{ EU_ARCH_X86_64, 308, "setns" },
		{ EU_ARCH_X86_64, 157, "prctl" },
		{ EU_ARCH_X86_64, 135, "personality" },
		{ EU_ARCH_X86_64, 16, "ioctl" },
		{ EU_ARCH_X86_64, 0, NULL }, /* read */
		{ EU_ARCH_I386, 359, "socket" },
		{ EU_ARCH_I386, 360, "socketpair" },
		{ EU_ARCH_I386, 120, "clone" },
		{ EU_ARCH_I386, 435, "clone3" },
		{ EU_ARCH_I386, 310, "unshare" },
		{ EU_ARCH_I386, 346, "setns" },
		{ EU_ARCH_I386, 172, "prctl" },
		{ EU_ARCH_I386, 136, "personality" },
		{ EU_ARCH_I386, 54, "ioctl" },
		{ EU_ARCH_I386, 3, NULL }, /* read */
		/* socketcall's arguments are behind a pointer: nothing to learn from them */
		{ EU_ARCH_I386, 102, NULL },
		/* -1 is what eu_syscall_nr() gives for a name the ABI lacks */
		{ EU_ARCH_X86_64, -1, NULL },
		{ EU_ARCH_I386, -1, NULL },
	};
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < EU_ARRAY_SIZE(cases); i++) {
		const struct eu_argspec *s = eu_argspec_find(cases[i].arch, cases[i].nr);

		if (!cases[i].syscall) {
			assert_null(s);
			continue;
		}
		assert_non_null(s);
		assert_string_equal(s->syscall, cases[i].syscall);
		assert_ptr_equal(eu_argspec_by_name(cases[i].syscall), s);
	}
	for (const struct eu_argspec *const *s = eu_argspec_all(); *s; s++, n++)
		assert_ptr_equal(eu_argspec_by_name((*s)->syscall), *s);
	assert_int_equal(n, 9);
	assert_null(eu_argspec_by_name("read"));
	assert_null(eu_argspec_by_name("socketcall"));
	assert_int_equal(eu_argspec_by_name("ioctl")->arg, 1);
	assert_int_equal(eu_argspec_by_name("setns")->arg, 1);
	assert_int_equal(eu_argspec_by_name("clone")->kind, EU_ARGK_NSFLAGS);
	assert_int_equal(eu_argspec_by_name("unshare")->kind, EU_ARGK_NSFLAGS);
	assert_int_equal(eu_argspec_by_name("socket")->kind, EU_ARGK_EQ);
}

/* Each rule reads as the profile writes it, and parses back to itself. */
static void test_argspec_rules_read_as_the_profile_writes_them(void **state)
{
	static const struct {
		const char *syscall;
		uint64_t value;
		const char *text;
	} cases[] = {
		{ "socket", AF_NETLINK, "allow if arg0 == 16" },
		{ "ioctl", TCGETS, "allow if arg1 == 21505" },
		{ "setns", CLONE_NEWNET, "allow if arg1 == 1073741824" },
		{ "clone", FORK_FLAGS, "allow if arg0 & 0x7e020080 == 0" },
		{ "clone", THREAD_FLAGS, "allow if arg0 & 0x7e020080 == 0" },
		{ "clone", CLONE_NEWUSER | SIGCHLD, "allow if arg0 & 0x7e020080 == 268435456" },
		{ "unshare", CLONE_NEWNS | CLONE_FS, "allow if arg0 & 0x7e020080 == 131072" },
	};

	(void)state;
	for (size_t i = 0; i < EU_ARRAY_SIZE(cases); i++) {
		const struct eu_argspec *s = eu_argspec_by_name(cases[i].syscall);
		int nr = eu_syscall_nr(EU_ARCH_X86_64, cases[i].syscall);
		struct eu_rule r, again;
		char text[128], why[128];
		size_t col;

		eu_argspec_rule(s, EU_ARCH_X86_64, nr, cases[i].value, &r);
		assert_int_equal(r.arch, EU_ARCH_X86_64);
		assert_int_equal(r.nr, nr);
		eu_rule_format(&r, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
		assert_int_equal(eu_rule_parse(text, &again, why, sizeof(why), &col), 0);
		again.arch = r.arch;
		again.nr = r.nr;
		assert_true(eu_rule_equal(&r, &again));
	}
}

/* eu_argspec_rule_value() gives back the value a rule was made from, on either ABI. */
static void test_argspec_rule_values_round_trip(void **state)
{
	static const uint64_t values[] = {
		0, 1, AF_NETLINK, TCGETS, FORK_FLAGS, CLONE_NEWUSER | SIGCHLD, EU_CLONE_NEW_MASK,
		UINT64_MAX,
	};
	static const int arches[] = { EU_ARCH_X86_64, EU_ARCH_I386 };

	(void)state;
	for (const struct eu_argspec *const *sp = eu_argspec_all(); *sp; sp++) {
		const struct eu_argspec *s = *sp;
		bool masked = s->kind != EU_ARGK_EQ;

		for (size_t a = 0; a < EU_ARRAY_SIZE(arches); a++) {
			int nr = eu_syscall_nr(arches[a], s->syscall);

			assert_true(nr >= 0);
			assert_ptr_equal(eu_argspec_find(arches[a], nr), s);
			for (size_t i = 0; i < EU_ARRAY_SIZE(values); i++) {
				uint64_t want = masked ? values[i] & EU_CLONE_NEW_MASK : values[i];
				uint64_t got = ~want;
				struct eu_rule r;

				eu_argspec_rule(s, arches[a], nr, values[i], &r);
				assert_int_equal(r.errnum, 0);
				assert_int_equal(r.ncond, 1);
				assert_int_equal(r.cond[0].arg, s->arg);
				/* clone3's argument is a pointer: no rule on it has a value */
				if (s->kind == EU_ARGK_CLONE3) {
					assert_false(eu_argspec_rule_value(s, &r, &got));
					continue;
				}
				assert_true(eu_argspec_rule_value(s, &r, &got));
				assert_int_equal(got, want);
			}
		}
	}
}

/* A rule not of eu_argspec_rule()'s making has no learned value. */
static void test_argspec_rule_value_refuses_other_rules(void **state)
{
	const struct eu_argspec *sock = eu_argspec_by_name("socket");
	const struct eu_argspec *clone = eu_argspec_by_name("clone");
	int nr_sock = eu_syscall_nr(EU_ARCH_X86_64, "socket");
	int nr_clone = eu_syscall_nr(EU_ARCH_X86_64, "clone");
	struct eu_rule r;
	uint64_t v = 12345;

	(void)state;
	eu_argspec_rule(sock, EU_ARCH_X86_64, nr_sock, AF_INET, &r);
	r.errnum = EAFNOSUPPORT; /* an errno rule */
	assert_false(eu_argspec_rule_value(sock, &r, &v));
	eu_argspec_rule(sock, EU_ARCH_X86_64, nr_sock, AF_INET, &r);
	r.ncond = 2; /* a second condition */
	r.cond[1] = (struct eu_cond){ .arg = 2, .op = EU_CMP_EQ, .value = 0 };
	assert_false(eu_argspec_rule_value(sock, &r, &v));
	eu_argspec_rule(sock, EU_ARCH_X86_64, nr_sock, AF_INET, &r);
	r.cond[0].arg = 1; /* another argument */
	assert_false(eu_argspec_rule_value(sock, &r, &v));
	eu_argspec_rule(sock, EU_ARCH_X86_64, nr_sock, AF_INET, &r);
	r.cond[0].op = EU_CMP_NE; /* podman's "allow if arg0 != 16" */
	assert_false(eu_argspec_rule_value(sock, &r, &v));
	eu_argspec_rule(clone, EU_ARCH_X86_64, nr_clone, 0, &r);
	r.cond[0].mask = 0x7e020000; /* podman's mask, without CLONE_NEWTIME */
	assert_false(eu_argspec_rule_value(clone, &r, &v));
	eu_argspec_rule(clone, EU_ARCH_X86_64, nr_clone, 0, &r);
	r.cond[0].op = EU_CMP_EQ; /* the whole of the flags */
	assert_false(eu_argspec_rule_value(clone, &r, &v));
	assert_int_equal(v, 12345); /* untouched by a refusal */
}

UNIT_TESTS(
	cmocka_unit_test(test_argument_rules_give_each_call_its_verdict),
	cmocka_unit_test(test_a_notify_filter_hands_refusals_to_the_monitor),
	cmocka_unit_test(test_the_kernel_agrees_with_the_simulator),
	cmocka_unit_test(test_argspec_finds_its_syscalls_by_name_and_number),
	cmocka_unit_test(test_argspec_rules_read_as_the_profile_writes_them),
	cmocka_unit_test(test_argspec_rule_values_round_trip),
	cmocka_unit_test(test_argspec_rule_value_refuses_other_rules))
