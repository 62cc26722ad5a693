/*
 * gate.h - the go-live gate: a policy judges the typed report (struct
 * sg_report of report_types.h) and gives a verdict, go, no-go or
 * insufficient, with every check's measured value, interval, threshold
 * and outcome.
 *
 * Checks of a minimum are judged on the lower end of the report's interval
 * (the default, "lower-bound") or on the estimate ("estimate"); checks of a
 * maximum on the upper end, or the estimate. With "interval" a check
 * passes when its whole interval is on the right side of the threshold,
 * fails when it is wholly on the wrong side and is undecided otherwise; an
 * undecided check says how many more cases (and nights) would decide it,
 * and failures can be held to Holm's or Bonferroni's rule across the
 * checks. A check that cannot be judged (too few cases, an undefined
 * statistic) is "not judged" and never fails.
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

enum sg_check_outcome {
	SG_CHECK_PASS,
	SG_CHECK_FAIL,
	SG_CHECK_NOT_JUDGED,
	SG_CHECK_UNDECIDED  /* gate.on interval: the interval straddles */
};

/* gate.on, as the config's choices: its index */
enum sg_gate_on {
	SG_GATE_ON_LOWER_BOUND = 0,
	SG_GATE_ON_ESTIMATE = 1,
	SG_GATE_ON_INTERVAL = 2
};

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
	/* a rate of k in n (n 0: the check is not of counts) */
	long long k, n;
	double se;         /* min_kappa: the report's standard error */
	/* gate.on interval: the one-sided p-value of the threshold (NaN: not
	 * a hypothesis), whether the correction for many checks turned a
	 * failure into undecided, and for an undecided check the cases
	 * (-1: unknown) and nights (NaN: unknown) it needs */
	double p_value;
	int corrected;
	long more_cases;
	double more_nights;
	/* incumbent_margin with the paired counts: the cases only the
	 * candidate (b) or only the incumbent (c) agrees on (-1: none), and
	 * McNemar's exact p-value and mid-p */
	long long b, c;
	double mcnemar_exact_p, mcnemar_mid_p;
	int report_only;   /* gate.report_only: shown, not in the verdict */
};

struct sg_gate_result {
	int verdict;       /* enum sg_verdict; also the exit status */
	char *reason;      /* one line */
	struct sg_gate_check *checks;
	size_t nchecks;
	long cases;
	int on_estimate;   /* enum sg_gate_on (gate.on) */
	int multiplicity;  /* enum sg_multiplicity (gate.multiplicity) */
	/* gate.on interval: alpha = (1 - confidence) / 2, how many checks
	 * were tested, how many failures stand */
	double alpha;
	size_t hypotheses, rejected;
	double cases_per_night;  /* the window's mean; NaN: unknown */
	char *note;        /* one line on the correction, or NULL */
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

/* The policy keys that have checks, in the order of the verdict (NULL
 * ends): the choices of gate.report_only. */
extern const char *const sg_gate_check_keys[];

/* "go", "no-go", "insufficient". */
const char *sg_verdict_name(int verdict);

/* "lower-bound", "estimate", "interval" (enum sg_gate_on). */
const char *sg_gate_on_name(int on);

/* "pass", "fail", "not judged", "undecided". */
const char *sg_check_outcome_name(int outcome);

/* "none", "holm", "bonferroni" (enum sg_multiplicity). */
const char *sg_multiplicity_name(int how);

/*
 * Adds to o, a check's JSON, the paired test of incumbent_margin (b, c,
 * mcnemar_exact_p, mcnemar_mid_p) when it was made, and what the interval
 * mode gives every check (p_value, corrected, more_cases, more_nights).
 */
void sg_gate_check_json_extra(cJSON *o, const struct sg_gate_result *r,
			      const struct sg_gate_check *c);

/* Adds to o, the verdict's JSON, the interval mode's multiplicity block;
 * nothing in the other modes. */
void sg_gate_result_json_extra(cJSON *o, const struct sg_gate_result *r);

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
