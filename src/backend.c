/*
 * backend.c - the registry of model backends, in the manner of git's
 * commands[]: a static table searched by name. Optional backends are
 * compiled in when meson found their library (sg_build.h).
 */
#include <stddef.h>
#include <string.h>

#include "sg/backend.h"
#include "sg_build.h"

#if SG_HAVE_XGBOOST
extern const struct sg_backend_ops sg_backend_xgboost;
#endif
extern const struct sg_backend_ops sg_backend_exec;
extern const struct sg_backend_ops sg_backend_logged;

static const struct sg_backend_ops *const backends[] = {
#if SG_HAVE_XGBOOST
	&sg_backend_xgboost,
#endif
	&sg_backend_exec,
	&sg_backend_logged,
};

#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static const char *const backend_names[] = {
#if SG_HAVE_XGBOOST
	"xgboost",
#endif
	"exec",
	"logged",
	NULL
};

const struct sg_backend_ops *sg_backend_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < NBACKENDS; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *const *sg_backend_names(void)
{
	return backend_names;
}

int sg_backend_reads_log(const char *name)
{
	const struct sg_backend_ops *ops =
		sg_backend_find(name ? name : SG_BACKEND_DEFAULT);

	return ops && (ops->caps & SG_BACKEND_LOGGED);
}
