// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/filter.c. The verdict tables in tests/fixtures/filter (*.tests) are
 * run for real: each syscall is made in a forked child under the loaded filter.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "cleanup.h"
#include "fdpass.h"
#include "filter.h"
#include "profile_yaml.h"
#include "syscalls.h"

#define TABLES FIXTURES "/filter"

struct table {
	char profile[256];
	struct eu_filter_opts opts;
};

/* What a syscall did under the filter: killed by SIGSYS, or its return value and errno. */
struct outcome {
	bool killed;
	long ret;
	int errnum;
};

/*
 * Make syscall `call` of `arch` in a child that has loaded `ctx`. A call is
 * NAME or NAME:ARG0[:ARG1[:ARG2]]; the arguments not given are -1.
 */
static int run_in_child(scmp_filter_ctx ctx, int arch, const char *call, struct outcome *out)
{
	long args[6] = { -1, -1, -1, -1, -1, -1 };
	struct outcome child = { 0 };
	char name[96], *colon;
	int nr, fds[2], status;
	pid_t pid;

	snprintf(name, sizeof(name), "%s", call);
	colon = strchr(name, ':');
	for (int i = 0; colon && i < 3; i++) {
		*colon = '\0';
		args[i] = (long)strtoull(colon + 1, &colon, 0);
		colon = *colon == ':' ? colon : NULL;
	}
	nr = eu_syscall_nr(arch, name);
	if (nr < 0 || pipe(fds))
		return -1;
	if (arch == EU_ARCH_X32)
		nr |= EU_X32_SYSCALL_BIT;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (seccomp_load(ctx))
			_exit(100);
		/* -1 by default: a harmless failure for each call in the tables. */
		child.ret = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		child.errnum = child.ret == -1 ? errno : 0;
		/*
		 * exit_group itself, not _exit(): a sanitizer build runs its no-return
		 * hook first, whose sigaltstack() the filter under test refuses.
		 */
		syscall(SYS_exit_group,
			write(fds[1], &child, sizeof(child)) != sizeof(child) ? 101 : 0);
		abort(); /* not reached */
	}
	close(fds[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		close(fds[0]);
		return -1;
	}
	*out = (struct outcome){ 0 };
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
		out->killed = true;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) ||
		   read(fds[0], out, sizeof(*out)) != sizeof(*out)) {
		close(fds[0]);
		return -1;
	}
	close(fds[0]);
	return 0;
}

static void parse_options(char *words, struct eu_filter_opts *o)
{
	char *save;

	for (char *w = strtok_r(words, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (!strcmp(w, "complain"))
			o->complain = true;
		else if (!strncmp(w, "deny=", 5))
			o->deny = (enum eu_deny)eu_deny_from_name(w + 5), o->deny_set = true;
		else if (!strcmp(w, "enosys-new"))
			o->enosys_new = true;
		else if (!strncmp(w, "errno=", 6))
			o->deny_errno = atoi(w + 6), o->deny_set = true;
		else
			fail_msg("unknown option '%s'", w);
	}
}

/* Check one verdict line; returns false (and says why) when the filter disagrees. */
static bool check_line(scmp_filter_ctx ctx, const struct table *t, const char *where,
		       const char *abi, const char *name, const char *verdict, int want_errno)
{
	int arch = eu_arch_from_name(abi);
	struct outcome o;

	if (run_in_child(ctx, arch, name, &o)) {
		print_error("%s: cannot run %s %s in a child\n", where, abi, name);
		return false;
	}
	if (!strcmp(verdict, "kill") && o.killed)
		return true;
	if (!strcmp(verdict, "errno") && !o.killed && o.ret == -1 && o.errnum == want_errno)
		return true;
	if (!strcmp(verdict, "allow") && !o.killed &&
	    !(t->opts.deny == EU_DENY_ERRNO && !t->opts.complain && o.ret == -1 &&
	      o.errnum == (t->opts.deny_errno ? t->opts.deny_errno : EPERM)))
		return true;
	print_error("%s: %s %s: expected %s %d, got %s ret %ld errno %d\n", where, abi, name,
		    verdict, want_errno, o.killed ? "killed" : "not killed", o.ret, o.errnum);
	return false;
}

static int run_table(const char *file, bool linear)
{
	char path[512], line[512], where[600];
	_cleanup_fclose_ FILE *f = NULL;
	struct table t = { 0 };
	struct eu_profile *p = NULL;
	scmp_filter_ctx ctx = NULL;
	struct eu_err err = { 0 };
	int failures = 0, lineno = 0;

	snprintf(path, sizeof(path), "%s/%s", TABLES, file);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char abi[32], name[96], verdict[16];
		int n, want = 0;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d (%s)", file, lineno,
			 linear ? "linear" : "binary tree");
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "profile ", 8)) {
			snprintf(t.profile, sizeof(t.profile), "%s/%.*s", TABLES,
				 (int)strcspn(line + 8, "\n"), line + 8);
			continue;
		}
		if (!strncmp(line, "options", 7)) {
			parse_options(line + 7, &t.opts);
			t.opts.linear = linear;
			continue;
		}
		if (!ctx) {
			if (eu_profile_load(t.profile, &p, &err))
				fail_msg("%s: %s", where, err.msg);
			eu_filter_default_from(&t.opts, p);
			if (eu_filter_build(p, &t.opts, &ctx, &err))
				fail_msg("%s: %s", where, err.msg);
		}
		n = sscanf(line, "%31s %95s %15s %d", abi, name, verdict, &want);
		if (n < 3)
			fail_msg("%s: expected 'ABI SYSCALL VERDICT'", where);
		if (!strcmp(abi, "i386"))
			continue; /* 64-bit code cannot make i386 calls on every kernel: tests/vm/ */
		if (!check_line(ctx, &t, where, abi, name, verdict, want))
			failures++;
	}
	if (ctx)
		seccomp_release(ctx);
	eu_profile_free(p);
	return failures;
}

static void test_verdict_tables_hold_with_tree_and_linear_filters(void **state)
{
	struct dirent *d;
	DIR *dir = opendir(TABLES);
	int tables = 0, failures = 0;

	assert_non_null(dir);
	while ((d = readdir(dir))) {
		size_t n = strlen(d->d_name);

		if (n < 7 || strcmp(d->d_name + n - 6, ".tests"))
			continue;
		failures += run_table(d->d_name, false);
		failures += run_table(d->d_name, true);
		tables++;
	}
	closedir(dir);
	assert_true(tables >= 6);
	assert_int_equal(failures, 0);
}

static void test_priority_grows_with_count(void **state)
{
	assert_int_equal(eu_filter_priority(0), 0);
	assert_true(eu_filter_priority(1) >= 1);
	assert_true(eu_filter_priority(1000) > eu_filter_priority(10));
	assert_true(eu_filter_priority(1000000) > eu_filter_priority(1000));
	assert_int_equal(eu_filter_priority(UINT64_MAX), 255);
}

static void test_deny_names_round_trip(void **state)
{
	for (int d = EU_DENY_ERRNO; d <= EU_DENY_LOG; d++)
		assert_int_equal(eu_deny_from_name(eu_deny_name((enum eu_deny)d)), d);
	assert_int_equal(eu_deny_from_name("allow"), -1);
}

static void test_profile_without_architectures_is_refused(void **state)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_filter_opts o = { 0 };
	struct eu_err err = { 0 };
	scmp_filter_ctx ctx = NULL;

	assert_int_equal(eu_filter_build(p, &o, &ctx, &err), -1);
	assert_int_equal(err.kind, EU_E_PROFILE);
	assert_string_equal(err.msg, "the profile lists no architecture, so it would allow no syscall");
	assert_null(ctx);
	eu_profile_free(p);
}

static void test_number_without_name_off_the_native_abi_is_refused(void **state)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_filter_opts o = { 0 };
	struct eu_err err = { 0 };
	scmp_filter_ctx ctx = NULL;

	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_I386, EU_NR_MAX - 1, 1, &err), 0);
	assert_int_equal(eu_filter_build(p, &o, &ctx, &err), -1);
	assert_int_equal(err.kind, EU_E_PROFILE);
	assert_string_equal(err.msg, "syscall number 1023 of architecture i386 has no name in "
				     "libseccomp, so no filter can allow it");
	eu_profile_free(p);
}

static void test_errno_out_of_range_is_refused(void **state)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_filter_opts o = { .deny_errno = 5000 };
	struct eu_err err = { 0 };
	scmp_filter_ctx ctx = NULL;

	assert_int_equal(eu_filter_build(p, &o, &ctx, &err), -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	eu_profile_free(p);
}

static void allow(struct eu_profile *p, const char *name)
{
	struct eu_err err = { 0 };

	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64,
						eu_syscall_nr(EU_ARCH_X86_64, name), 1, &err), 0);
}

/* Add the rule `fmt` (the profile's text of one) for x86_64's syscall `name`. */
static void rule(struct eu_profile *p, const char *name, const char *fmt, ...)
{
	struct eu_rule r;
	struct eu_err err = { 0 };
	char text[128], why[128];
	va_list ap;
	size_t col;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (eu_rule_parse(text, &r, why, sizeof(why), &col))
		fail_msg("'%s': %s", text, why);
	r.arch = EU_ARCH_X86_64;
	r.nr = eu_syscall_nr(EU_ARCH_X86_64, name);
	assert_int_equal(eu_profile_add_rule(p, &r, &err), 0);
}

static void skip_without_notify(void)
{
	if (seccomp_api_get() < 6) {
		printf("skipped: this system has no seccomp user notification (API level %u)\n",
		       seccomp_api_get());
		skip();
	}
}

/* What a notify filter's listener was handed, in order. */
struct heard {
	unsigned int n;
	int nr[16];
	uint64_t arg0[16];
};

/* Answer each call the listener hands over EACCES, until the child is gone; its wait status. */
static int answer_until_gone(pid_t pid, int listener, struct heard *h)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int status = -1;

	if (seccomp_notify_alloc(&req, &resp))
		return -1;
	/* it cannot exit while a call of its waits for an answer */
	for (int ms = 0; ms < 5000 && waitpid(pid, &status, WNOHANG) != pid; ms += 10) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };

		if (poll(&pfd, 1, 10) != 1)
			continue;
		if (!(pfd.revents & POLLIN)) {
			/* POLLHUP: no task uses the filter any more; the child is exiting */
			if (waitpid(pid, &status, 0) != pid)
				status = -1;
			break;
		}
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(listener, req))
			continue;
		if (h->n < EU_ARRAY_SIZE(h->nr) && req->pid == (uint32_t)pid) {
			h->nr[h->n] = req->data.nr;
			h->arg0[h->n++] = req->data.args[0];
		}
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->error = -EACCES;
		seccomp_notify_respond(listener, resp);
	}
	seccomp_notify_free(req, resp);
	return status;
}

/*
 * Run `calls` in a child under ctx, whose listener the child hands over; every
 * call the filter hands to it is answered EACCES. The child's wait status.
 */
static int under_listener(scmp_filter_ctx ctx, int (*calls)(void), struct heard *h)
{
	struct pollfd pfd = { .events = POLLIN };
	struct eu_fd_recv got = { .fd = -1 };
	int sv[2], status = -1;
	char byte = 0;
	pid_t pid;

	*h = (struct heard){ 0 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	if (pid == 0) {
		/* not left waiting on a listener only it holds */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* a kill action's core dump takes seconds */
		if (seccomp_load(ctx))
			syscall(SYS_exit_group, 100);
		if (eu_fd_send(sv[1], &byte, 1, seccomp_notify_fd(ctx)) != 1)
			syscall(SYS_exit_group, 101);
		/* exit_group itself: what exit() would call first the filter may refuse */
		syscall(SYS_exit_group, calls());
	}
	pfd.fd = sv[0];
	if (pid > 0 && poll(&pfd, 1, 5000) == 1 && eu_fd_recv(sv[0], &byte, 1, &got) == 1 &&
	    got.fd >= 0)
		status = answer_until_gone(pid, got.fd, h);
	if (got.fd >= 0)
		close(got.fd);
	close(sv[0]);
	close(sv[1]);
	if (pid > 0 && status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (status == -1)
		fail_msg("the child did not hand its listener over and exit within 5 s");
	return status;
}

/*
 * What a child under a test profile needs: to hand its listener over, to exit,
 * and what free() does after seccomp_load() (libseccomp frees the program it
 * loaded, and malloc may give the memory back) before anyone holds the listener.
 */
static void allow_child(struct eu_profile *p)
{
	for (const char *const *n = (const char *const[]){ "exit_group", "sendmsg", "brk",
							   "munmap", NULL };
	     *n; n++)
		allow(p, *n);
}

/* Bit `bit` of the exit code unless syscall(...) returned -1 with `want`. */
#define EXPECT_ERRNO(bit, want, ...) \
	((syscall(__VA_ARGS__) == -1 && errno == (want)) ? 0 : 1 << (bit))

static int refused_and_profile_calls(void)
{
	char byte = 0;
	int code = 0;

	code |= EXPECT_ERRNO(0, EACCES, SYS_getppid); /* refused: the listener answers */
	/* never handed over: EPERM at once */
	code |= EXPECT_ERRNO(1, EPERM, SYS_write, -1, &byte, 1);
	if (syscall(SYS_getpid) <= 0) /* the profile's own */
		code |= 1 << 2;
	/* a number libseccomp has no name for goes to the listener too */
	code |= EXPECT_ERRNO(3, EACCES, 1000);
	return code;
}

#define NO_PID 0x3ffffff0 /* above PID_MAX_LIMIT: no process has it */

static int ruled_calls(void)
{
	int code = 0;

	if (syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0) < 0) /* its rule allows it */
		code |= 1 << 0;
	/* no rule allows it: the listener answers, and is told the family */
	code |= EXPECT_ERRNO(1, EACCES, SYS_socket, AF_NETLINK, SOCK_RAW, 0);
	code |= EXPECT_ERRNO(2, EINVAL, SYS_getpgid, NO_PID); /* a rule's errno, at once */
	code |= EXPECT_ERRNO(3, EPERM, SYS_reboot, 0, 0, 0); /* the deny errno as a rule's */
	/* newer than the newest the profile names: ENOSYS at once (enosys_new) */
	code |= EXPECT_ERRNO(4, ENOSYS, SYS_getrandom, NULL, 0, 0);
	return code;
}

static int ruled_calls_then_write(void)
{
	char byte = 0;

	if (syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0) != -1 || errno != EACCES)
		return 1;
	syscall(SYS_write, -1, &byte, 1); /* never notified: the kill, at once */
	return 2;
}

static int complain_calls(void)
{
	int code = 0;

	code |= EXPECT_ERRNO(0, EACCES, SYS_socket, AF_NETLINK, SOCK_RAW, 0);
	/* a rule's errno is logged in complain mode: the call runs (and finds no such process) */
	code |= EXPECT_ERRNO(1, ESRCH, SYS_getpgid, NO_PID);
	return code;
}

/* A syscall's argument rule, as the profile writes it ("%ld" stands for arg). */
struct notify_rule {
	const char *syscall, *text;
	long arg;
};

/*
 * A notify filter's test: the profile (besides allow_child's), the options,
 * the calls the child makes, and what comes of them: the child killed by
 * SIGSYS or exiting 0, and the calls its listener was handed, in order.
 */
struct notify_case {
	int (*calls)(void);
	const char *allowed[2];		/* NULL-ended */
	struct notify_rule rules[5];	/* ended by a NULL syscall */
	struct heard want;		/* its arg0[] only when check_arg0 */
	struct eu_filter_opts opts;
	bool killed;
	bool check_arg0;
};

/* One test a row, named in UNIT_TESTS below. */
static const struct notify_case notify_cases[] = {
	/*
	 * Under a notify filter a refused call waits for the listener's answer, the
	 * profile's calls run, and write, which a notify filter never sends (runc's
	 * init writes under it), gets the deny action at once.
	 */
	{ .opts = { .notify = true, .deny_errno = EPERM },
	  .allowed = { "getpid" },
	  .calls = refused_and_profile_calls,
	  .want = { 2, { SYS_getppid, 1000 } } },
	/*
	 * A syscall the profile allows by argument rules: a call no rule allows goes
	 * to the listener with its arguments, as any refusal does, not to the deny
	 * errno in silence; what the rules and --enosys-new decide stays in the filter.
	 */
	{ .opts = { .notify = true, .deny_errno = EPERM, .enosys_new = true },
	  .rules = { { "socket", "allow if arg0 == 1" }, { "socket", "allow if arg0 == 2" },
		     { "getpgid", "errno 22 if arg0 == %ld", NO_PID }, { "reboot", "errno 1" } },
	  .calls = ruled_calls,
	  .want = { 1, { SYS_socket }, { AF_NETLINK } },
	  .check_arg0 = true },
	/* --deny kill-process: a ruled syscall's refused call goes to the listener; write is killed. */
	{ .opts = { .notify = true, .deny = EU_DENY_KILL_PROCESS },
	  .rules = { { "socket", "allow if arg0 == 1" } },
	  .calls = ruled_calls_then_write,
	  .killed = true,
	  .want = { 1, { SYS_socket }, { AF_NETLINK } },
	  .check_arg0 = true },
	/* Complain mode: a rule's errno is logged, not handed over; a ruled call no rule allows is. */
	{ .opts = { .notify = true, .complain = true },
	  .rules = { { "socket", "allow if arg0 == 1" },
		     { "getpgid", "errno 22 if arg0 == %ld", NO_PID } },
	  .calls = complain_calls,
	  .want = { 1, { SYS_socket } } },
};

static void test_notify_case(void **state)
{
	const struct notify_case *c = *state;
	struct eu_profile *p = eu_profile_new();
	struct eu_filter_opts o = c->opts;
	struct eu_err err = { 0 };
	scmp_filter_ctx ctx = NULL;
	struct heard h;
	int status;

	skip_without_notify();
	allow_child(p);
	for (const char *const *n = c->allowed; *n; n++)
		allow(p, *n);
	for (const struct notify_rule *r = c->rules; r->syscall; r++)
		rule(p, r->syscall, r->text, r->arg);
	if (eu_filter_build(p, &o, &ctx, &err))
		fail_msg("%s", err.msg);
	status = under_listener(ctx, c->calls, &h);
	if (c->killed && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS))
		fail_msg("expected the child killed by SIGSYS, wait status 0x%x", status);
	if (!c->killed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		fail_msg("expected the child to exit 0, wait status 0x%x", status);
	if (h.n != c->want.n)
		fail_msg("the listener was handed %u calls, expected %u", h.n, c->want.n);
	for (unsigned int i = 0; i < c->want.n; i++) {
		if (h.nr[i] != c->want.nr[i])
			fail_msg("call %u handed over is %d, expected %d", i, h.nr[i], c->want.nr[i]);
		if (c->check_arg0 && h.arg0[i] != c->want.arg0[i])
			fail_msg("call %u handed over has arg0 %llu, expected %llu", i,
				 (unsigned long long)h.arg0[i], (unsigned long long)c->want.arg0[i]);
	}
	seccomp_release(ctx);
	eu_profile_free(p);
}

UNIT_TESTS(
	UNIT_CASE(test_a_notify_filter_hands_refused_calls_to_its_listener,
		  test_notify_case, &notify_cases[0]),
	UNIT_CASE(test_a_notify_filter_hands_over_a_ruled_call_no_rule_allows,
		  test_notify_case, &notify_cases[1]),
	UNIT_CASE(test_a_notify_filter_kills_at_once_what_it_never_hands_over,
		  test_notify_case, &notify_cases[2]),
	UNIT_CASE(test_a_complaining_notify_filter_logs_what_rules_refuse,
		  test_notify_case, &notify_cases[3]),
	cmocka_unit_test(test_verdict_tables_hold_with_tree_and_linear_filters),
	cmocka_unit_test(test_priority_grows_with_count),
	cmocka_unit_test(test_deny_names_round_trip),
	cmocka_unit_test(test_profile_without_architectures_is_refused),
	cmocka_unit_test(test_number_without_name_off_the_native_abi_is_refused),
	cmocka_unit_test(test_errno_out_of_range_is_refused))
