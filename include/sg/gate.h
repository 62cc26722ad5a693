/*
 * gate.h - the go-live gate: a policy judges a report (the JSON contract
 * of report.h) and gives a verdict, go, no-go or insufficient, with every
 * check's measured value, interval, threshold and outcome.
 *
 * Checks of a minimum are judged on the lower end of the report's interval
 * (the default, "lower-bound") or on the estimate ("estimate"); checks of a
 * maximum on the upper end, or the estimate. A check that cannot be judged
 * (too few cases, an undefined statistic) is "not judged" and never fails.
 */
#ifndef SG_GATE_H
#define SG_GATE_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "sg/config.h"
#include "sg/error.h"
#include "sg/report_types.h"
#include "sg/store.h"

enum sg_verdict { SG_GO = 0, SG_NOGO = 1, SG_INSUFFICIENT = 4 };

enum sg_check_outcome { SG_CHECK_PASS, SG_CHECK_FAIL, SG_CHECK_NOT_JUDGED };

struct sg_gate_check {
	char *name;        /* "min_agreement", "min_segment_agreement", ... */
	char *subject;     /* what was measured: "overall", "channel=web" */
	double value;      /* the estimate; NaN when there is none */
	double low, high;  /* its interval; NaN when there is none */
	double judged;     /* the number compared with the threshold */
	double threshold;
	int is_max;        /* a maximum (value must stay below) */
	int outcome;       /* enum sg_check_outcome */
	char *detail;      /* one line: why it passed, failed, was not judged */
};

struct sg_gate_result {
	int verdict;       /* enum sg_verdict; also the exit status */
	char *reason;      /* one line */
	struct sg_gate_check *checks;
	size_t nchecks;
	long cases;
	int on_estimate;
};

/*
 * Judges report (as sg_report_compute makes it, or read back with
 * sg_report_from_json) with policy g.
 * Returns 0 and fills out, or SG_EUSAGE when the policy has no check at
 * all. out must be released with sg_gate_result_release.
 */
int sg_gate_judge(const struct sg_report *report,
		  const struct sg_gate_conf *g,
		  struct sg_gate_result *out, struct sg_diag *diag);

void sg_gate_result_release(struct sg_gate_result *r);

/* "go", "no-go", "insufficient". */
const char *sg_verdict_name(int verdict);

/* The policy as JSON (thresholds that are set), for the audit trail. */
cJSON *sg_gate_policy_json(const struct sg_gate_conf *g);

/* The verdict as JSON: {verdict, reason, cases, on, checks: [...]} */
cJSON *sg_gate_result_json(const struct sg_gate_result *r);

/*
 * Writes the verdict as "text", "json", "markdown" or "junit" (JUnit XML:
 * one testcase per check, a failure element for a failed check, skipped
 * for a check not judged). Returns 0 or SG_EUSAGE for an unknown format.
 */
int sg_gate_write(FILE *out, const struct sg_gate_result *r,
		  const char *format, const char *model);

/*
 * The "junit" format of sg_gate_write: JUnit XML valid against the Jenkins
 * xUnit plugin's and the Ant JUnit schemas; each failure's body holds that
 * check's value, interval and threshold. Returns 0.
 */
int sg_gate_write_junit(FILE *out, const struct sg_gate_result *r,
			const char *model);

/*
 * Stores the verdict with its policy and the report it judged (report_id
 * and model_id may be 0 when unknown). Returns 0 or SG_ESTORE.
 */
int sg_gate_store(struct sg_store *s, long report_id, long model_id,
		  const struct sg_gate_conf *g, const struct sg_gate_result *r,
		  long *verdict_id, struct sg_diag *diag);

#endif
