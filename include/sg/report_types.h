/*
 * report_types.h - the report as a typed result: struct sg_report, the
 * whole of `report --format json` (man/report-fields.txt names and
 * explains every field), filled by the report's build and read by the
 * gate, the writers, compare and history. Its JSON is spelled in one
 * place, src/report_json.c (sg_report_to_json, sg_report_from_json).
 *
 * Conventions (shape.h): a double that is NaN is an undefined statistic
 * (JSON null); an interval is double[2] (NaN ends: [null, null]); a
 * nullable integer (a count of a run that may not exist, window.last) is
 * a double, NaN for null; a pointer member is NULL for a null object; a
 * map (SG_MAP) has n keys and n values in the report's order, `null` set
 * when the JSON is null rather than {}; strings are owned.
 */
#ifndef SG_REPORT_TYPES_H
#define SG_REPORT_TYPES_H

#include "sg/shape.h"

/* {n, agree, rate, ci95}: agreement, and each segment value and night
 * (below_overall: for segments and nights only). */
struct sg_rate {
	long long n, agree;
	double rate, ci95[2];
	int below_overall;
};

struct sg_report_model {
	long long id;
	char *name, *version, *backend, *sha256, *created_at;
};

struct sg_report_window {
	char *since, *until;          /* NULL: unknown */
	long long nights;
	double last;                  /* NaN: null */
	int all;
	long long undated_cases;
	char *note;
};

struct sg_report_excluded {
	long long no_decision, no_prediction, prediction_error,
		no_human_value, no_model_output;
};

struct sg_report_counts {
	long long in_window, with_decision, with_prediction,
		prediction_errors, compared;
	struct sg_report_excluded excluded;
};

struct sg_report_kappa {
	double value, se, ci95[2], linear_weighted, quadratic_weighted;
};

/* Gwet's AC1 of the two sides (evidence.c), beside kappa */
struct sg_report_ac1 {
	double value, se, ci95[2];
};

struct sg_report_confusion {
	struct sg_strs labels;
	struct sg_matrix matrix;      /* rows human, columns model */
};

struct sg_report_class {
	double precision, recall, f1;
	long long support;
	/* per_class only (not averages): the Wilson intervals of precision
	 * (over the model's uses of the label) and recall (over the human
	 * uses), [NaN, NaN] when that side never used it */
	double precision_ci95[2], recall_ci95[2];
};

struct sg_report_averages {
	struct sg_report_class macro, weighted;
};

struct sg_map_rate SG_MAP(struct sg_rate);
struct sg_map_class SG_MAP(struct sg_report_class);

/* segments.<column>: its values */
struct sg_report_segcol {
	struct sg_map_rate values;
};
struct sg_map_segcol SG_MAP(struct sg_report_segcol);

struct sg_report_within {
	double tolerance;
	long long n, within;
	double rate, ci95[2];
};

struct sg_report_regression {
	long long n;
	double mae, rmse, bias;
	struct sg_report_within within_tolerance;
};

struct sg_report_baseline {
	long long items, ratings;
	double fleiss_kappa, krippendorff_alpha;
	long long pairs;
	double pairwise_agreement;
	long long model_items, model_ratings;
	double model_agreement;
	/* Gwet's multi-rater AC1 of those cases (Gwet 2014, as irrCAC's
	 * gwet.ac1.raw) */
	struct sg_report_ac1 ac1;
};

struct sg_report_point {
	double threshold, coverage;
	long long n, agree;
	double rate, ci95[2];
};
struct sg_arr_point SG_ARR(struct sg_report_point);

struct sg_report_coverage {
	long long scored;
	double target_agreement;
	struct sg_arr_point points;
	double recommended_threshold, recommended_coverage;
};

/* software.nights.<night> */
struct sg_report_run_night {
	long long runs, cases, scored, errors;
	double error_rate, p50_ms, p95_ms, p99_ms, throughput, peak_rss_kb;
};
struct sg_map_run_night SG_MAP(struct sg_report_run_night);

/* software.change.<metric> */
struct sg_report_delta {
	double latest, previous_mean, delta, relative;
};

struct sg_report_change {
	char *night;
	long long previous_nights, previous_runs;
	struct sg_report_delta error_rate, p50_ms, p95_ms, p99_ms, throughput,
		peak_rss_kb;
};

struct sg_report_software {
	char *backend;
	long long runs;
	/* the latest run; every member NaN / NULL without a run */
	double run_id;
	char *status, *started_at, *finished_at;
	double cases, scored, errors, error_rate, p50_ms, p95_ms, p99_ms,
		throughput, peak_rss_kb;
	char *latency_method;
	double startup_ms;
	long long window_predictions, window_errors;
	double window_error_rate;
	struct sg_map_run_night nights;
	struct sg_report_change *change;
};

/* {cases, missing_rate, mean, std, min, max} of a feature */
struct sg_report_fstat {
	long long cases;
	double missing_rate, mean, std, min, max;
};

struct sg_report_feature {
	long long cases;
	double missing_rate, mean, std, min, max, psi, ks, ks_pvalue;
	struct sg_report_fstat *reference;
};
struct sg_map_feature SG_MAP(struct sg_report_feature);

/* inputs.reference.by_night.<night>.features.<name> */
struct sg_report_ref_fnight {
	double missing_rate, psi;
};
struct sg_map_ref_fnight SG_MAP(struct sg_report_ref_fnight);

struct sg_report_ref_night {
	long long cases;
	struct sg_map_ref_fnight features;
	long long predictions;
	double error_rate, label_shift;
};
struct sg_map_ref_night SG_MAP(struct sg_report_ref_night);

struct sg_report_reference {
	char *how;                    /* "first_nights" or "since_until" */
	double first_nights;          /* NaN: null */
	char *since, *until;
	long long nights, cases;
	int overlaps_window;
	char *note;
	struct sg_map_ref_night by_night;
};

struct sg_report_segshare {
	long long cases;
	double share;
	long long reference_cases;
	double reference_share;
};
struct sg_map_segshare SG_MAP(struct sg_report_segshare);

struct sg_report_segdrift {
	struct sg_map_segshare values;
	struct sg_strs unseen;
};
struct sg_map_segdrift SG_MAP(struct sg_report_segdrift);

/* inputs.nights.<night>.features.<name> */
struct sg_report_fnight {
	long long cases;
	double missing_rate, mean, std, min, max, psi;
};
struct sg_map_fnight SG_MAP(struct sg_report_fnight);

struct sg_report_in_night {
	long long cases;
	struct sg_map_fnight features;
};
struct sg_map_in_night SG_MAP(struct sg_report_in_night);

struct sg_report_inputs {
	struct sg_report_reference *reference;
	double psi_floor;
	long long psi_bins;
	char *ks_pvalue_method;
	struct sg_map_feature features;
	struct sg_strs ranking;
	struct sg_map_segdrift segments;   /* null without a reference */
	struct sg_map_in_night nights;     /* null without a reference */
};

struct sg_report_label_use {
	long long human, model;
	double human_share, model_share;
};
struct sg_map_label_use SG_MAP(struct sg_report_label_use);

struct sg_report_shift {
	double value;
	char *label;
};

struct sg_report_chi {
	double statistic, df;         /* df NaN: null */
};

struct sg_report_out_night {
	long long predictions, errors;
	double error_rate;
	long long empty, compared;
	struct sg_map_label_use labels;    /* null for numeric decisions */
	struct sg_report_shift *label_shift;
	struct sg_report_chi *chi_square;
	long long scored;
	struct sg_nums score_deciles;      /* null when nothing is scored */
};
struct sg_map_out_night SG_MAP(struct sg_report_out_night);

struct sg_report_previous {
	long long id;
	char *version, *created_at;
};

/* {compared, changed, rate, ci95} */
struct sg_report_changed {
	long long compared, changed;
	double rate, ci95[2];
};
struct sg_map_changed SG_MAP(struct sg_report_changed);

struct sg_report_version_change {
	struct sg_report_previous previous;
	double tolerance;             /* NaN: null (label decisions) */
	long long compared, changed;
	double rate, ci95[2];
	struct sg_map_changed nights;
};

struct sg_report_outputs {
	long long compared;
	int numeric;                  /* human_mean and model_mean are there */
	double human_mean, model_mean;
	struct sg_map_label_use labels;    /* null for numeric decisions */
	struct sg_report_shift *label_shift;
	struct sg_report_chi *chi_square;
	long long errors;
	double error_rate, error_rate_ci95[2]; /* ci95 null: both NaN */
	long long predictions, empty;
	double empty_rate;
	long long scored;
	struct sg_nums score_deciles;
	struct sg_map_out_night nights;    /* null without a reference */
	struct sg_report_version_change *version_change;
};

struct sg_report_example {
	char *case_id, *night;
	struct sg_value human, model;
	double score;
};
struct sg_arr_example SG_ARR(struct sg_report_example);

/* review: the reviewers' verdicts on the window's sampled cases
 * (review.h; `shadowgate review`) */
struct sg_report_review_stratum {
	char *human, *model;
	long long N, n, model_right, human_right;
};
struct sg_arr_review_stratum SG_ARR(struct sg_report_review_stratum);

/* {count, rate, ci95} among the reviewed disagreements */
struct sg_report_review_count {
	long long count;
	double rate, ci95[2];
};

struct sg_report_review_disagreements {
	long long reviewed;
	struct sg_report_review_count model_right, human_right, neither;
};

/* {estimate, ci95} */
struct sg_report_estimate {
	double estimate, ci95[2];
};

struct sg_report_review_accuracy {
	struct sg_report_estimate model, human, difference;
};

struct sg_report_reviewers {
	long long cases, pairs, agree;
	double rate;
};

struct sg_report_review {
	long long reviewed, unresolved;
	struct sg_arr_review_stratum strata;
	struct sg_report_review_disagreements disagreements;
	struct sg_report_review_accuracy accuracy;
	struct sg_report_reviewers reviewers;
};

/* incumbent: the candidate against the gate's incumbent on the cases both
 * scored (compare.c, for gate.incumbent) */
struct sg_report_incumbent {
	char *model;                  /* NAME@VERSION */
	long long n, candidate_agree, incumbent_agree;
	double candidate_rate, incumbent_rate, difference;
	/* the discordant cases: only the candidate agrees (b), only the
	 * incumbent (c) */
	long long b, c;
};

struct sg_report {
	long long report_version;
	char *generated_at;
	struct sg_report_model *model;     /* NULL: no model */
	struct sg_report_window window;
	double confidence;
	char *decision_type;               /* "label" or "numeric" */
	long long cases;
	struct sg_report_counts counts;
	/* The sections below (human_baseline aside) are there only with a
	 * model; has_model says so (it is model != NULL for a built report,
	 * and whether they were in a report read back). */
	int has_model;
	struct sg_rate agreement;
	struct sg_report_kappa kappa;
	struct sg_report_ac1 ac1;
	struct sg_strs labels;
	struct sg_report_confusion confusion;
	struct sg_map_class per_class;
	struct sg_report_averages *averages;
	struct sg_map_segcol segments;
	struct sg_map_rate nights;
	struct sg_report_regression *regression;
	struct sg_report_baseline *human_baseline;
	struct sg_report_coverage coverage;
	struct sg_report_software software;
	struct sg_report_inputs inputs;
	struct sg_report_outputs outputs;
	struct sg_arr_example disagreements;
	/* there only when the window has reviewed cases (a review batch) */
	int has_review;
	struct sg_report_review *review;
	/* there only when the gate compared with an incumbent */
	int has_incumbent;
	struct sg_report_incumbent *incumbent;
};

#endif
