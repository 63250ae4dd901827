// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_handshake: every real OpenSSL handshake
 * of the unit tests' vectors (selftests/unit/vectors), in the fuzzer's
 * input format, under a few buffer sizes, policies and segment sizes.
 *
 *   make_corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "../unit/vectors/openssl_hellos.h"

static const unsigned char variants[][3] = {
	/* cap 8192, consent off, whole */		{ 6, 0xf0, 1 },
	/* cap 4096, accept, standard suites, 1-byte */	{ 5, 0x09, 2 },
	/* cap 512, require, 16-byte segments */	{ 2, 0x42, 3 },
	/* cap 128 (too small), 4-byte segments */	{ 0, 0x28, 4 },
};

int main(int argc, char **argv)
{
	unsigned int i, j;
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	for (i = 0; i < sizeof(openssl_vectors) / sizeof(openssl_vectors[0]); i++) {
		const struct openssl_vector *v = &openssl_vectors[i];

		for (j = 0; j < sizeof(variants) / sizeof(variants[0]); j++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s-%u", argv[1], v->name, j);
			f = fopen(path, "wb");
			if (!f) {
				perror(path);
				return 1;
			}
			fwrite(variants[j], 1, 3, f);
			fputc(v->client_len >> 8, f);
			fputc(v->client_len & 0xff, f);
			fwrite(v->client, 1, v->client_len, f);
			fwrite(v->server, 1, v->server_len, f);
			if (fclose(f)) {
				perror(path);
				return 1;
			}
		}
	}
	return 0;
}
