// SPDX-License-Identifier: GPL-2.0-only
/* eunomia: dispatch `eunomia COMMAND ...` to the command's own cmd_*() (see commands.h). */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "learn", cmd_learn, "trace a container or a command and write its profile" },
	{ "enforce", cmd_enforce, "run a command held to a profile (seccomp, capabilities)" },
	{ "import", cmd_import, "read a Docker/podman seccomp profile as an eunomia profile" },
	{ "export", cmd_export, "write a profile as OCI, Docker/podman or Kubernetes JSON" },
	{ "monitor", cmd_monitor, "hold containers to their profiles at run time and report violations" },
	{ "denials", cmd_denials, "what seccomp refused held containers; fold it into a profile" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: eunomia COMMAND [OPTIONS] [ARGS...]\n"
		   "\n"
		   "Learn what a container needs from the kernel, then hold it to exactly that.\n"
		   "\n"
		   "Commands:\n");
	for (size_t i = 0; i < EU_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		   "  eunomia COMMAND --help    options of one command\n"
		   "  eunomia --version         print the version\n"
		   "\n"
		   "See eunomia(8).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("eunomia %s\n", EUNOMIA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < EU_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "eunomia: unknown command '%s' (see eunomia --help)\n", argv[1]);
	return 2;
}
