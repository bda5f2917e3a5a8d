// SPDX-License-Identifier: GPL-2.0-only
/* The command eunomia learn -- CMD runs: started held, released once it is followed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "learn_int.h"

int learn_spawn_held(char **argv, pid_t *pid, int *go, int *exec_status, struct eu_err *err)
{
	int gate[2], status[2];
	sigset_t none;
	pid_t p;

	if (pipe2(gate, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "cannot create a pipe");
	p = fork();
	if (p < 0)
		return eu_fail(err, EU_E_CHILD, errno, "cannot fork");
	if (p == 0) {
		char c;
		int e;

		/* Undo what the parent set up for itself before anything else. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(gate[1]);
		close(status[0]);
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(status[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(gate[0]);
	close(status[1]);
	*pid = p;
	*go = gate[1];
	*exec_status = status[0];
	return 0;
}

int learn_release_held(const char *cmd, int go, int exec_status, struct eu_err *err)
{
	ssize_t n;
	int e = 0;

	if (write(go, "g", 1) != 1)
		return eu_fail(err, EU_E_CHILD, errno, "cannot start %s", cmd);
	close(go);
	do
		n = read(exec_status, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(exec_status);
	if (n == sizeof(e))
		return eu_fail(err, EU_E_CHILD, e, "cannot run %s", cmd);
	return 0;
}
