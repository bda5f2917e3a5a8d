// SPDX-License-Identifier: GPL-2.0-only
/* Watched arguments: the table the kernel side reads, and its values read back (tracer_args.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "cleanup.h"
#include "learn.h"
#include "learn.skel.h"
#include "syscalls.h"
#include "tracer_args.h"

static __u8 watch_word(const struct eu_argspec *s)
{
	static const __u8 kinds[] = {
		[EU_ARGK_EQ] = LEARN_ARG_EQ,
		[EU_ARGK_NSFLAGS] = LEARN_ARG_NSFLAGS,
		[EU_ARGK_CLONE3] = LEARN_ARG_CLONE3,
	};

	return (__u8)(LEARN_ARG_ON | kinds[s->kind] << 4 | (s->arg & 1));
}

_Static_assert(LEARN_CLONE_NEW_MASK == EU_CLONE_NEW_MASK, "one namespace mask on both sides");

void tracer_args_watch(struct learn_bpf *skel)
{
	const struct eu_argspec *const *all = eu_argspec_all();

	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (size_t i = 0; all[i]; i++) {
			int nr = eu_syscall_nr(a, all[i]->syscall);

			/* the kernel side reads arguments 0 and 1 only */
			if (nr >= 0 && nr < EU_NR_MAX && all[i]->arg <= 1)
				skel->rodata->arg_watch[a][nr] = watch_word(all[i]);
		}
}

/* The values of one syscall, from a snapshot of the map's keys. */
static size_t values_of(const struct learn_arg_key *keys, size_t nkeys, int arch, int nr,
			uint64_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < nkeys; i++)
		if ((int)keys[i].arch == arch && (int)keys[i].nr == nr)
			out[n++] = keys[i].value;
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int restrict_one(struct learn_bpf *skel, struct eu_profile *p, int arch, int nr,
			const struct learn_arg_key *keys, size_t nkeys, uint64_t *buf,
			struct eu_err *err)
{
	bool lost = skel->bss->args_lost[arch][nr / 64] & (1ULL << (nr % 64)), ruled;
	size_t n = values_of(keys, nkeys, arch, nr, buf);

	qsort(buf, n, sizeof(*buf), cmp_u64); /* the rules in a stable order, for review */
	return eu_profile_restrict_args(p, arch, nr, buf, n, lost, &ruled, err);
}

int tracer_args_collect(struct learn_bpf *skel, struct eu_profile *p, struct eu_err *err)
{
	_cleanup_free_ struct learn_arg_key *keys = calloc(LEARN_ARG_VALUES, sizeof(*keys));
	_cleanup_free_ uint64_t *buf = calloc(LEARN_ARG_VALUES, sizeof(*buf));
	const struct eu_argspec *const *all = eu_argspec_all();
	int fd = bpf_map__fd(skel->maps.arg_values);
	struct learn_arg_key *prev = NULL;
	size_t nkeys = 0;

	if (!keys || !buf)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the learned arguments");
	while (nkeys < LEARN_ARG_VALUES && !bpf_map_get_next_key(fd, prev, &keys[nkeys])) {
		prev = &keys[nkeys];
		nkeys++;
	}
	if (nkeys < LEARN_ARG_VALUES && errno != ENOENT)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read the learned arguments");
	for (int clone3 = 0; clone3 <= 1; clone3++)
		for (int a = 0; a < EU_ARCH_COUNT; a++)
			for (size_t i = 0; all[i]; i++) {
				int nr = eu_syscall_nr(a, all[i]->syscall);

				if (nr < 0 || nr >= EU_NR_MAX ||
				    (all[i]->kind == EU_ARGK_CLONE3) != clone3)
					continue;
				if (restrict_one(skel, p, a, nr, keys, nkeys, buf, err))
					return -1;
			}
	return 0;
}
