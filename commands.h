/* SPDX-License-Identifier: GPL-2.0-only */
/* The subcommands of eunomia(8): one cmd_*() each, dispatched by main.c. */
#ifndef EUNOMIA_COMMANDS_H
#define EUNOMIA_COMMANDS_H

int cmd_learn(int argc, char **argv);
int cmd_enforce(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_denials(int argc, char **argv);

#endif
