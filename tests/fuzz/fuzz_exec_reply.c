/*
 * fuzz_exec_reply.c - libFuzzer harness for the exec backend's reply
 * parser (src/backend_exec.h): the input is what a model program wrote on
 * its standard output, read by the parser as the replies to a batch of
 * eight cases, with no process behind it. The parser must end at the end
 * of the text or at a protocol error, and leave every case either
 * unanswered, answered (a label or a value) or failed (an error), never
 * two of these. The text is a memfd, rewound for each input.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/backend_exec.h"

#define NCASES 8

static const char *const ids[NCASES] = {
	"c1", "c2", "c3", "case 4", "\xc3\xa9", "", "c\"7", "c8",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int memfd = -1;
	struct sg_pred out[NCASES];
	void *state = NULL;
	size_t off = 0, i;
	int fd, ret;

	if (memfd < 0 && (memfd = memfd_create("sg-fuzz-exec", 0)) < 0)
		abort();
	if (ftruncate(memfd, 0))
		abort();
	while (off < size) {
		ssize_t n = pwrite(memfd, data + off, size - off, (off_t)off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	if (lseek(memfd, 0, SEEK_SET) != 0 || (fd = dup(memfd)) < 0)
		abort();
	ret = sg_exec_read_replies(&state, fd, NCASES, ids, out);
	if (ret != 1 && ret != 2)
		abort();
	for (i = 0; i < NCASES; i++) {
		const struct sg_pred *o = &out[i];

		if (o->error && (o->label || !isnan(o->value)))
			abort(); /* failed and answered */
		if (o->label && !isnan(o->value))
			abort(); /* a label and a value */
		if (o->error && !*o->error)
			abort(); /* an error without a reason */
	}
	sg_exec_replies_free(state);
	return 0;
}
