/*
 * store_night.c - the store's night rule: the meta row that says how the
 * cases' nights were computed, so one store never mixes two rules.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/store.h"
#include "store_impl.h"
#include "sg/timeutil.h"

#define RULE_KEY "night_rule"

int sg_store_night_rule(struct sg_store *s, const struct sg_night_rule *r,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char want[320], had[320] = "";
	int ret, has_nights = 0, rc;

	sg_night_rule_describe(r, want, sizeof(want));
	ret = sg_store_prepare(s, &st,
			       "SELECT (SELECT value FROM meta WHERE key = '"
			       RULE_KEY "'), EXISTS(SELECT 1 FROM cases "
			       "WHERE night IS NOT NULL)",
			       diag);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		if (v)
			snprintf(had, sizeof(had), "%s", (const char *)v);
		has_nights = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sg_store_error(s, diag, "cannot read the night rule");
	if (!had[0] && has_nights) /* stores from before the rule was kept */
		sg_night_rule_describe(NULL, had, sizeof(had));
	if (!strcmp(had, want))
		return 0;
	if (has_nights) {
		sg_diag_set(diag, NULL, 0, 0,
			    "log.night_timezone, log.night_starts: the store's "
			    "nights are %s, this ingest would make them %s; "
			    "use the store's rule or a new store",
			    had, want);
		return SG_EUSAGE;
	}
	return sg_store_meta_set(s, RULE_KEY, want, "the night rule", diag);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int sg_store_night_sizes(struct sg_store *s, char latest[11], long *n_latest,
			 double *median, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	long *counts = NULL;
	size_t n = 0, cap = 0;
	int ret, rc;

	latest[0] = '\0';
	*n_latest = 0;
	*median = 0;
	ret = sg_store_prepare(s, &st,
			       "SELECT night, count(*) FROM cases WHERE night "
			       "IS NOT NULL GROUP BY night ORDER BY night",
			       diag);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			counts = realloc(counts, cap * sizeof(*counts));
			if (!counts) {
				sqlite3_finalize(st);
				sg_diag_set(diag, NULL, 0, 0, "out of memory");
				return SG_ENOMEM;
			}
		}
		counts[n++] = sqlite3_column_int64(st, 1);
		snprintf(latest, 11, "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(counts);
		return sg_store_error(s, diag, "cannot count the nights");
	}
	if (n) {
		*n_latest = counts[n - 1];
		qsort(counts, n, sizeof(*counts), cmp_long);
		*median = n % 2 ? (double)counts[n / 2]
				: ((double)counts[n / 2 - 1] +
				   (double)counts[n / 2]) / 2;
	}
	free(counts);
	return 0;
}

int sg_store_latest_night(struct sg_store *s, char out[11],
			  struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	out[0] = '\0';
	ret = sg_store_prepare(s, &st, "SELECT max(night) FROM cases", diag);
	if (ret)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, 11, "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}
