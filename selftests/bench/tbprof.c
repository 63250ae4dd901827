// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin (QEMU 7.2, plugin API version 1) for make
 * bench-profile: how many times each translated block of the guest ran.
 * Every time the guest executes the marker instruction "xchg %bx,%bx"
 * (profile_mark), the counts since the last marker are written to
 * OUT/snap-N.txt, one "PC INSNS RUNS" line per block that ran, and reset.
 * A block's instructions times its runs, summed by the guest symbol that
 * holds its first instruction, is an exact instruction profile, where
 * perf's sampling under -icount is not (see Documentation/performance.rst).
 *
 *   -plugin build/profile/tbprof.so,out=DIR
 *
 * Counting is inline and not atomic: the profile runs one vCPU (-icount).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One translation of a block; a block translated again gets another. */
struct block {
	uint64_t pc;
	uint64_t insns;
	uint64_t runs;
};

static struct block **blocks;
static size_t n_blocks, cap_blocks;
static const char *out_dir = ".";
static int snap;

static void write_snapshot(void)
{
	char path[4096];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/snap-%d.txt", out_dir, snap++);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "tbprof: cannot write %s\n", path);
	for (i = 0; i < n_blocks; i++) {
		struct block *b = blocks[i];

		if (b->runs && f)
			fprintf(f, "%llx %llu %llu\n", (unsigned long long)b->pc,
				(unsigned long long)b->insns,
				(unsigned long long)b->runs);
		b->runs = 0;
	}
	if (f)
		fclose(f);
}

static void on_marker(unsigned int vcpu_index, void *userdata)
{
	write_snapshot();
}

static bool is_marker(struct qemu_plugin_insn *insn)
{
	const uint8_t *d = qemu_plugin_insn_data(insn);

	return qemu_plugin_insn_size(insn) == 3 &&
	       d[0] == 0x66 && d[1] == 0x87 && d[2] == 0xdb;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct block *b;

	if (n_blocks == cap_blocks) {
		size_t cap = cap_blocks ? 2 * cap_blocks : 65536;
		struct block **nb = realloc(blocks, cap * sizeof(*nb));

		if (!nb)
			abort();
		blocks = nb;
		cap_blocks = cap;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->pc = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	blocks[n_blocks++] = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->runs, 1);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (is_marker(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void on_qemu_exit(qemu_plugin_id_t id, void *userdata)
{
	write_snapshot();
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_dir = argv[i] + 4;
		} else {
			fprintf(stderr, "tbprof: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
