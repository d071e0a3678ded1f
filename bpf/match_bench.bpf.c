/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/matcher_bench's timed loop: mt_bench.iterations decisions of the
 * event in mt_input, timed with the kernel clock. raw_tp programs take no
 * `repeat` in BPF_PROG_TEST_RUN, so the loop is a bpf_loop here.
 *
 * The decision is a global function, verified once on its own. Inlined into
 * the bpf_loop callback, the whole matcher (itself nested bpf_loops) was
 * re-verified until the callback's states converged: newer verifiers
 * (6.8 on) check a callback as if it ran any number of times, and one
 * 6.18.44 build went past the 1,000,000-instruction limit that way.
 */
#include "lib/match_input.h"

char LICENSE[] SEC("license") = "GPL";

struct pal_match_bench {
	__u64 iterations; /* in */
	__u64 elapsed_ns; /* out */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_bench);
} mt_bench SEC(".maps");

/* Global (not static): the verifier checks it once, whatever calls it. */
__noinline int pal_bench_decide(void)
{
	struct pal_match_input *in;
	__u32 zero = 0;

	in = bpf_map_lookup_elem(&mt_input, &zero);
	if (!in)
		return 1;
	return pal_match_run(in) ? 0 : 1;
}

/* A callback must return 0 (go on) or 1 (stop); the verifier knows no
 * range for a global function's result, so it is narrowed here. */
static long pal_bench_step(__u32 i, void *arg)
{
	return pal_bench_decide() ? 1 : 0;
}

SEC("raw_tp")
int pal_match_bench(void *ctx)
{
	struct pal_match_bench *b;
	__u32 zero = 0;
	__u64 start;

	b = bpf_map_lookup_elem(&mt_bench, &zero);
	if (!b)
		return 1;
	start = bpf_ktime_get_ns();
	bpf_loop(b->iterations, pal_bench_step, 0, 0);
	b->elapsed_ns = bpf_ktime_get_ns() - start;
	return 0;
}
