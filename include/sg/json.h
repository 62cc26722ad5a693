/*
 * json.h - the one way a number goes into a cJSON tree: a finite double as
 * a number, NaN or an infinity (an undefined statistic) as null, never a
 * NaN number. Every JSON the program builds (reports, verdicts, runs,
 * comparisons) adds its numbers through these.
 */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <math.h>

#include <cjson/cJSON.h>

/* A number or null, as an item. */
static inline cJSON *sg_json_num_item(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* o[k] = v, or null when v is not finite. */
static inline void sg_json_add_num(cJSON *o, const char *k, double v)
{
	cJSON_AddItemToObject(o, k, sg_json_num_item(v));
}

#endif
