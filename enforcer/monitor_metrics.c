// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's Prometheus metrics (see monitor_metrics.h). */
#include <bpf/bpf.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor_metrics.h"

/* Add n to the series (container, kind, action) of a table of `max`; the last takes the rest. */
static void count(struct mon_count *v, unsigned int *nv, unsigned int max, const char *who,
		  const char *kind, const char *action, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < *nv; i++)
		if (!strcmp(v[i].container, who) && !strcmp(v[i].kind, kind) &&
		    !strcmp(v[i].action, action))
			break;
	if (i == *nv) {
		if (*nv == max) {
			i = max - 1; /* bounded: the last series takes the rest */
			snprintf(v[i].container, sizeof(v[i].container), "other");
		} else {
			(*nv)++;
			snprintf(v[i].container, sizeof(v[i].container), "%s", who);
			snprintf(v[i].kind, sizeof(v[i].kind), "%s", kind);
			snprintf(v[i].action, sizeof(v[i].action), "%s", action);
		}
	}
	v[i].n += n;
}

/* The refused syscall's name (its number when libseccomp has no name for it). */
static const char *syscall_of(const struct eu_event *e, char *buf, size_t size)
{
	struct json_object *v;

	if (e->detail && json_object_object_get_ex(e->detail, "name", &v))
		return json_object_get_string(v);
	if (e->detail && json_object_object_get_ex(e->detail, "nr", &v)) {
		snprintf(buf, size, "%d", json_object_get_int(v));
		return buf;
	}
	return "?";
}

void mon_counts_add(struct mon_counts *c, const struct eu_event *e)
{
	const char *who, *action = e->action ? e->action : "";

	if ((unsigned)e->level < 3)
		c->events[e->level]++;
	if (e->level != EU_LEVEL_ALERT || !e->count)
		return;
	c->suppressed += e->summary ? e->count : e->count - 1;
	who = !e->ct ? "" : e->ct->name ? e->ct->name : e->ct->id ? e->ct->id : "";
	count(c->v, &c->nv, MON_COUNT_KEYS, who, e->kind, action, e->count);
	if (e->by && !strcmp(e->by, "seccomp")) {
		char nr[16];

		count(c->denials, &c->ndenials, MON_DENIAL_KEYS, who,
		      syscall_of(e, nr, sizeof(nr)), action, e->count);
	}
}

/* Run count and time of each program the pinned links run (BPF stats must be enabled). */
static size_t program_stats(struct eu_prog_stat *out, size_t max)
{
	_cleanup_closedir_ DIR *d = opendir(MON_PIN_DIR);
	struct dirent *de;
	char path[512];
	size_t n = 0;

	while (d && n < max && (de = readdir(d))) {
		struct bpf_link_info li = { 0 };
		struct bpf_prog_info pi = { 0 };
		__u32 ll = sizeof(li), pl = sizeof(pi);
		int lfd, pfd;

		if (strncmp(de->d_name, "link_", 5))
			continue;
		snprintf(path, sizeof(path), MON_PIN_DIR "/%s", de->d_name);
		lfd = bpf_obj_get(path);
		if (lfd < 0)
			continue;
		pfd = bpf_obj_get_info_by_fd(lfd, &li, &ll) ? -1 : bpf_prog_get_fd_by_id(li.prog_id);
		close(lfd);
		if (pfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(pfd, &pi, &pl)) {
			snprintf(out[n].name, sizeof(out[n].name), "%s", de->d_name + 5);
			out[n].runs = pi.run_cnt;
			out[n].ns = pi.run_time_ns;
			n++;
		}
		close(pfd);
	}
	return n;
}

void mon_metrics_text(struct mon *m, const struct eu_ctable *cts, const struct mon_counts *c,
		      struct eu_mtext *t)
{
	static const char *const levels[] = { "info", "warning", "alert" };
	const struct eu_container *held[MON_MAX_CTS];
	struct mon_stats st = { 0 };
	struct eu_prog_stat progs[EU_PROG_STATS_MAX];
	size_t n = 0;

	mon_stats(m, &st);
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if ((held[n] = eu_ctable_at(cts, i, NULL)))
			n++;
	eu_mtext_family(t, "eunomia_containers_tracked", "gauge",
			"Containers the monitor holds to a profile.");
	eu_mtext_sample(t, "eunomia_containers_tracked", NULL, (double)n);
	eu_mtext_containers(t, held, n);
	eu_mtext_family(t, "eunomia_container_processes", "gauge",
			"Tasks (threads included) the monitor follows, per container.");
	for (uint32_t i = 0; i < MON_MAX_CTS; i++) {
		const struct eu_container *ct = eu_ctable_at(cts, i, NULL);

		if (ct) {
			const char *labels[] = { "container", eu_mtext_container_name(ct), NULL };

			eu_mtext_sample(t, "eunomia_container_processes", labels,
					st.live[i] > 0 ? (double)st.live[i] : 0);
		}
	}
	eu_mtext_family(t, "eunomia_violations_total", "counter",
			"Violations of a container's profile, by container, kind and action taken.");
	for (unsigned int i = 0; i < c->nv; i++) {
		const char *labels[] = { "container", c->v[i].container, "kind", c->v[i].kind,
					 "action", c->v[i].action, NULL };

		eu_mtext_sample(t, "eunomia_violations_total", labels, (double)c->v[i].n);
	}
	eu_mtext_family(t, "eunomia_denials_total", "counter",
			"Syscalls seccomp refused a held container, by container, syscall and "
			"action (denied: an errno, killed: SIGSYS).");
	for (unsigned int i = 0; i < c->ndenials; i++) {
		const char *labels[] = { "container", c->denials[i].container, "syscall",
					 c->denials[i].kind, "action", c->denials[i].action, NULL };

		eu_mtext_sample(t, "eunomia_denials_total", labels, (double)c->denials[i].n);
	}
	eu_mtext_family(t, "eunomia_events_total", "counter", "Events written, by level.");
	for (int l = 0; l < 3; l++) {
		const char *labels[] = { "level", levels[l], NULL };

		eu_mtext_sample(t, "eunomia_events_total", labels, (double)c->events[l]);
	}
	eu_mtext_family(t, "eunomia_events_suppressed_total", "counter",
			"Violations folded into another event by rate limiting.");
	eu_mtext_sample(t, "eunomia_events_suppressed_total", NULL, (double)c->suppressed);
	eu_mtext_family(t, "eunomia_events_dropped_total", "counter",
			"Events the kernel could not write (ring buffer full); their violations "
			"are counted in later events.");
	eu_mtext_sample(t, "eunomia_events_dropped_total", NULL, (double)st.events_dropped);
	eu_mtext_family(t, "eunomia_filters_unheld_total", "counter",
			"Processes whose filter hands its refusals to the monitor but which it "
			"could not hold (no profile named, or one it cannot read): their refusals "
			"are answered, and reported without a container.");
	eu_mtext_sample(t, "eunomia_filters_unheld_total", NULL, (double)c->unheld);
	eu_mtext_family(t, "eunomia_tasks_lost_total", "counter",
			"Tasks that could not be followed (out of BPF task storage).");
	eu_mtext_sample(t, "eunomia_tasks_lost_total", NULL, (double)st.tasks_lost);
	eu_mtext_programs(t, progs, program_stats(progs, EU_PROG_STATS_MAX), "the monitor");
	eu_mtext_family(t, "eunomia_bpf_programs_missing", "gauge",
			"Programs the monitor runs on events (processes, capabilities, executions) "
			"whose pinned link is gone: their jobs are not done until a restart.");
	eu_mtext_sample(t, "eunomia_bpf_programs_missing", NULL, mon_programs_missing(m));
	eu_mtext_family(t, "process_resident_memory_bytes", "gauge",
			"Resident memory size of the monitor daemon in bytes.");
	eu_mtext_sample(t, "process_resident_memory_bytes", NULL, eu_metrics_resident_bytes());
}
