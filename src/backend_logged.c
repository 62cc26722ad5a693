/*
 * backend_logged.c - the logged backend: the production system already
 * logged the shadow model's output, in the decision log's columns
 * (stored at ingest) or in a separate predictions file joined on the
 * case id at run time. It scores nothing, so it has no open or score:
 * SG_BACKEND_LOGGED tells the runner to read the output instead.
 */
#include <stddef.h>

#include "sg/backend.h"

const struct sg_backend_ops sg_backend_logged = {
	.name = "logged",
	.caps = SG_BACKEND_LOGGED,
};
