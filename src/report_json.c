/*
 * report_json.c - the JSON contract of the report, spelled once: a table
 * of fields for every struct of report_types.h, from which shape.c writes
 * the JSON (sg_report_to_json), reads it back (sg_report_from_json: `gate
 * --report FILE`, history, stored reports) and frees it. A key is its
 * member's name (#m below), so the JSON and the struct cannot disagree;
 * the order of a table is the order of the keys in the JSON.
 * man/report-fields.txt explains every field.
 */
#include "sg/report.h"

#include <stdlib.h>

#include "sg/error.h"

#include "sg/buf.h"
#include "sg/shape.h"

#define FIELD(k, kind, m, sub, fl, pr)                                     \
	{ k, kind, offsetof(struct S, m), sub, fl, pr }
#define I(m) FIELD(#m, SG_K_INT, m, NULL, 0, 0)
#define N(m) FIELD(#m, SG_K_NUM, m, NULL, 0, 0)
#define T(m) FIELD(#m, SG_K_STR, m, NULL, 0, 0)
#define B(m) FIELD(#m, SG_K_BOOL, m, NULL, 0, 0)
#define C(m) FIELD(#m, SG_K_CI, m, NULL, 0, 0)
/* an interval that is null, not [null, null], when both ends are */
#define CN(m) FIELD(#m, SG_K_CI, m, NULL, SG_F_NULLABLE, 0)
#define O(m, sub) FIELD(#m, SG_K_OBJ, m, &sub##_shape, 0, 0)
#define P(m, sub) FIELD(#m, SG_K_PTR, m, &sub##_shape, 0, 0)
#define M(m, sub) FIELD(#m, SG_K_MAP, m, &sub##_shape, 0, 0)
#define A(m, sub) FIELD(#m, SG_K_ARR, m, &sub##_shape, 0, 0)
#define TS(m) FIELD(#m, SG_K_STRS, m, NULL, 0, 0)
#define NS(m) FIELD(#m, SG_K_NUMS, m, NULL, 0, 0)
#define MX(m) FIELD(#m, SG_K_MATRIX, m, NULL, 0, 0)
#define V(m) FIELD(#m, SG_K_VALUE, m, NULL, 0, 0)
/* written only when the int member p is nonzero */
#define WHEN(p, m, kind, sub)                                              \
	FIELD(#m, kind, m, sub, 0, offsetof(struct S, p) + 1)
/* the struct's JSON is this member's (a map of maps) */
#define INLINE(mac, m, sub) FIELD(NULL, SG_K_MAP, m, &sub##_shape, 0, 0)
#define SHAPE(name)                                                        \
	static const struct sg_shape name##_shape = {                      \
		#name, sizeof(struct S), name##_f,                         \
		sizeof(name##_f) / sizeof(name##_f[0])}

#define S sg_rate
static const struct sg_field rate_f[] = {
	I(n),
	I(agree),
	N(rate),
	C(ci95),
};
SHAPE(rate);
#undef S

#define S sg_rate
static const struct sg_field rate_below_f[] = {
	I(n),
	I(agree),
	N(rate),
	C(ci95),
	B(below_overall),
};
SHAPE(rate_below);
#undef S

#define S sg_report_model
static const struct sg_field model_f[] = {
	I(id),
	T(name),
	T(version),
	T(backend),
	T(sha256),
	T(created_at),
};
SHAPE(model);
#undef S

#define S sg_report_window
static const struct sg_field window_f[] = {
	T(since),
	T(until),
	I(nights),
	N(last),
	B(all),
	I(undated_cases),
	T(note),
};
SHAPE(window);
#undef S

#define S sg_report_excluded
static const struct sg_field excluded_f[] = {
	I(no_decision),
	I(no_prediction),
	I(prediction_error),
	I(no_human_value),
	I(no_model_output),
};
SHAPE(excluded);
#undef S

#define S sg_report_counts
static const struct sg_field counts_f[] = {
	I(in_window),
	I(with_decision),
	I(with_prediction),
	I(prediction_errors),
	I(compared),
	O(excluded, excluded),
};
SHAPE(counts);
#undef S

#define S sg_report_kappa
static const struct sg_field kappa_f[] = {
	N(value),
	N(se),
	C(ci95),
	N(linear_weighted),
	N(quadratic_weighted),
};
SHAPE(kappa);
#undef S

#define S sg_report_ac1
static const struct sg_field ac1_f[] = {
	N(value),
	N(se),
	C(ci95),
};
SHAPE(ac1);
#undef S

#define S sg_report_confusion
static const struct sg_field confusion_f[] = {
	TS(labels),
	MX(matrix),
};
SHAPE(confusion);
#undef S

#define S sg_report_class
static const struct sg_field class_f[] = {
	N(precision),
	N(recall),
	N(f1),
	I(support),
};
SHAPE(class);

static const struct sg_field class_ci_f[] = {
	N(precision),
	N(recall),
	N(f1),
	I(support),
	C(precision_ci95),
	C(recall_ci95),
};
SHAPE(class_ci);
#undef S

#define S sg_report_averages
static const struct sg_field averages_f[] = {
	O(macro, class),
	O(weighted, class),
};
SHAPE(averages);
#undef S

#define S sg_report_segcol
static const struct sg_field segcol_f[] = {
	INLINE(M, values, rate_below),
};
SHAPE(segcol);
#undef S

#define S sg_report_within
static const struct sg_field within_f[] = {
	N(tolerance),
	I(n),
	I(within),
	N(rate),
	C(ci95),
};
SHAPE(within);
#undef S

#define S sg_report_regression
static const struct sg_field regression_f[] = {
	I(n),
	N(mae),
	N(rmse),
	N(bias),
	O(within_tolerance, within),
};
SHAPE(regression);
#undef S

#define S sg_report_baseline
static const struct sg_field baseline_f[] = {
	I(items),
	I(ratings),
	N(fleiss_kappa),
	N(krippendorff_alpha),
	I(pairs),
	N(pairwise_agreement),
	I(model_items),
	I(model_ratings),
	N(model_agreement),
	O(ac1, ac1),
};
SHAPE(baseline);
#undef S

#define S sg_report_point
static const struct sg_field point_f[] = {
	N(threshold),
	N(coverage),
	I(n),
	I(agree),
	N(rate),
	C(ci95),
};
SHAPE(point);
#undef S

#define S sg_report_coverage
static const struct sg_field coverage_f[] = {
	I(scored),
	N(target_agreement),
	A(points, point),
	N(recommended_threshold),
	N(recommended_coverage),
};
SHAPE(coverage);
#undef S

#define S sg_report_run_night
static const struct sg_field run_night_f[] = {
	I(runs),
	I(cases),
	I(scored),
	I(errors),
	N(error_rate),
	N(p50_ms),
	N(p95_ms),
	N(p99_ms),
	N(throughput),
	N(peak_rss_kb),
};
SHAPE(run_night);
#undef S

#define S sg_report_delta
static const struct sg_field delta_f[] = {
	N(latest),
	N(previous_mean),
	N(delta),
	N(relative),
};
SHAPE(delta);
#undef S

#define S sg_report_change
static const struct sg_field change_f[] = {
	T(night),
	I(previous_nights),
	I(previous_runs),
	O(error_rate, delta),
	O(p50_ms, delta),
	O(p95_ms, delta),
	O(p99_ms, delta),
	O(throughput, delta),
	O(peak_rss_kb, delta),
};
SHAPE(change);
#undef S

#define S sg_report_software
static const struct sg_field software_f[] = {
	T(backend),
	I(runs),
	N(run_id),
	T(status),
	T(started_at),
	T(finished_at),
	N(cases),
	N(scored),
	N(errors),
	N(error_rate),
	N(p50_ms),
	N(p95_ms),
	N(p99_ms),
	N(throughput),
	N(peak_rss_kb),
	T(latency_method),
	N(startup_ms),
	I(window_predictions),
	I(window_errors),
	N(window_error_rate),
	M(nights, run_night),
	P(change, change),
};
SHAPE(software);
#undef S

#define S sg_report_fstat
static const struct sg_field fstat_f[] = {
	I(cases),
	N(missing_rate),
	N(mean),
	N(std),
	N(min),
	N(max),
};
SHAPE(fstat);
#undef S

#define S sg_report_feature
static const struct sg_field feature_f[] = {
	I(cases),
	N(missing_rate),
	N(mean),
	N(std),
	N(min),
	N(max),
	N(psi),
	N(ks),
	N(ks_pvalue),
	P(reference, fstat),
};
SHAPE(feature);
#undef S

#define S sg_report_ref_fnight
static const struct sg_field ref_fnight_f[] = {
	N(missing_rate),
	N(psi),
};
SHAPE(ref_fnight);
#undef S

#define S sg_report_ref_night
static const struct sg_field ref_night_f[] = {
	I(cases),
	M(features, ref_fnight),
	I(predictions),
	N(error_rate),
	N(label_shift),
};
SHAPE(ref_night);
#undef S

#define S sg_report_reference
static const struct sg_field reference_f[] = {
	T(how),
	N(first_nights),
	T(since),
	T(until),
	I(nights),
	I(cases),
	B(overlaps_window),
	T(note),
	M(by_night, ref_night),
};
SHAPE(reference);
#undef S

#define S sg_report_segshare
static const struct sg_field segshare_f[] = {
	I(cases),
	N(share),
	I(reference_cases),
	N(reference_share),
};
SHAPE(segshare);
#undef S

#define S sg_report_segdrift
static const struct sg_field segdrift_f[] = {
	M(values, segshare),
	TS(unseen),
};
SHAPE(segdrift);
#undef S

#define S sg_report_fnight
static const struct sg_field fnight_f[] = {
	I(cases),
	N(missing_rate),
	N(mean),
	N(std),
	N(min),
	N(max),
	N(psi),
};
SHAPE(fnight);
#undef S

#define S sg_report_in_night
static const struct sg_field in_night_f[] = {
	I(cases),
	M(features, fnight),
};
SHAPE(in_night);
#undef S

#define S sg_report_inputs
static const struct sg_field inputs_f[] = {
	P(reference, reference),
	N(psi_floor),
	I(psi_bins),
	T(ks_pvalue_method),
	M(features, feature),
	TS(ranking),
	M(segments, segdrift),
	M(nights, in_night),
};
SHAPE(inputs);
#undef S

#define S sg_report_label_use
static const struct sg_field label_use_f[] = {
	I(human),
	I(model),
	N(human_share),
	N(model_share),
};
SHAPE(label_use);
#undef S

#define S sg_report_shift
static const struct sg_field shift_f[] = {
	N(value),
	T(label),
};
SHAPE(shift);
#undef S

#define S sg_report_chi
static const struct sg_field chi_f[] = {
	N(statistic),
	N(df),
};
SHAPE(chi);
#undef S

#define S sg_report_out_night
static const struct sg_field out_night_f[] = {
	I(predictions),
	I(errors),
	N(error_rate),
	I(empty),
	I(compared),
	M(labels, label_use),
	P(label_shift, shift),
	P(chi_square, chi),
	I(scored),
	NS(score_deciles),
};
SHAPE(out_night);
#undef S

#define S sg_report_previous
static const struct sg_field previous_f[] = {
	I(id),
	T(version),
	T(created_at),
};
SHAPE(previous);
#undef S

#define S sg_report_changed
static const struct sg_field changed_f[] = {
	I(compared),
	I(changed),
	N(rate),
	C(ci95),
};
SHAPE(changed);
#undef S

#define S sg_report_version_change
static const struct sg_field version_change_f[] = {
	O(previous, previous),
	N(tolerance),
	I(compared),
	I(changed),
	N(rate),
	C(ci95),
	M(nights, changed),
};
SHAPE(version_change);
#undef S

#define S sg_report_outputs
static const struct sg_field outputs_f[] = {
	I(compared),
	WHEN(numeric, human_mean, SG_K_NUM, NULL),
	WHEN(numeric, model_mean, SG_K_NUM, NULL),
	M(labels, label_use),
	P(label_shift, shift),
	P(chi_square, chi),
	I(errors),
	N(error_rate),
	CN(error_rate_ci95),
	I(predictions),
	I(empty),
	N(empty_rate),
	I(scored),
	NS(score_deciles),
	M(nights, out_night),
	P(version_change, version_change),
};
SHAPE(outputs);
#undef S

#define S sg_report_example
static const struct sg_field example_f[] = {
	T(case_id),
	T(night),
	V(human),
	V(model),
	N(score),
};
SHAPE(example);
#undef S

#define S sg_report_review_stratum
static const struct sg_field review_stratum_f[] = {
	T(human),
	T(model),
	I(N),
	I(n),
	I(model_right),
	I(human_right),
};
SHAPE(review_stratum);
#undef S

#define S sg_report_review_count
static const struct sg_field review_count_f[] = {
	I(count),
	N(rate),
	C(ci95),
};
SHAPE(review_count);
#undef S

#define S sg_report_review_disagreements
static const struct sg_field review_disagreements_f[] = {
	I(reviewed),
	O(model_right, review_count),
	O(human_right, review_count),
	O(neither, review_count),
};
SHAPE(review_disagreements);
#undef S

#define S sg_report_estimate
static const struct sg_field estimate_f[] = {
	N(estimate),
	C(ci95),
};
SHAPE(estimate);
#undef S

#define S sg_report_review_accuracy
static const struct sg_field review_accuracy_f[] = {
	O(model, estimate),
	O(human, estimate),
	O(difference, estimate),
};
SHAPE(review_accuracy);
#undef S

#define S sg_report_reviewers
static const struct sg_field reviewers_f[] = {
	I(cases),
	I(pairs),
	I(agree),
	N(rate),
};
SHAPE(reviewers);
#undef S

#define S sg_report_review
static const struct sg_field review_f[] = {
	I(reviewed),
	I(unresolved),
	A(strata, review_stratum),
	O(disagreements, review_disagreements),
	O(accuracy, review_accuracy),
	O(reviewers, reviewers),
};
SHAPE(review);
#undef S

#define S sg_report_incumbent
static const struct sg_field incumbent_f[] = {
	T(model),
	I(n),
	I(candidate_agree),
	I(incumbent_agree),
	N(candidate_rate),
	N(incumbent_rate),
	N(difference),
	I(b),
	I(c),
};
SHAPE(incumbent);
#undef S

#define S sg_report
static const struct sg_field report_f[] = {
	I(report_version),
	T(generated_at),
	P(model, model),
	O(window, window),
	N(confidence),
	T(decision_type),
	I(cases),
	O(counts, counts),
	WHEN(has_model, agreement, SG_K_OBJ, &rate_shape),
	WHEN(has_model, kappa, SG_K_OBJ, &kappa_shape),
	WHEN(has_model, ac1, SG_K_OBJ, &ac1_shape),
	WHEN(has_model, labels, SG_K_STRS, NULL),
	WHEN(has_model, confusion, SG_K_OBJ, &confusion_shape),
	WHEN(has_model, per_class, SG_K_MAP, &class_ci_shape),
	WHEN(has_model, averages, SG_K_PTR, &averages_shape),
	WHEN(has_model, segments, SG_K_MAP, &segcol_shape),
	WHEN(has_model, nights, SG_K_MAP, &rate_below_shape),
	WHEN(has_model, regression, SG_K_PTR, &regression_shape),
	P(human_baseline, baseline),
	WHEN(has_model, coverage, SG_K_OBJ, &coverage_shape),
	WHEN(has_model, software, SG_K_OBJ, &software_shape),
	WHEN(has_model, inputs, SG_K_OBJ, &inputs_shape),
	WHEN(has_model, outputs, SG_K_OBJ, &outputs_shape),
	WHEN(has_model, disagreements, SG_K_ARR, &example_shape),
	WHEN(has_review, review, SG_K_PTR, &review_shape),
	WHEN(has_incumbent, incumbent, SG_K_PTR, &incumbent_shape),
};
SHAPE(report);
#undef S

cJSON *sg_report_to_json(const struct sg_report *r)
{
	return sg_shape_to_json(&report_shape, r);
}

/*
 * What the types cannot say and the readers rely on: the confusion matrix
 * is labels x labels. Returns 0 or SG_EDATA with diag set.
 */
static int check_read(const struct sg_report *r, struct sg_diag *diag)
{
	const struct sg_report_confusion *c = &r->confusion;

	if (c->matrix.rows != c->labels.n ||
	    (c->matrix.rows && c->matrix.cols != c->labels.n)) {
		sg_diag_set(diag, NULL, 0, 0,
			    "report: confusion: the matrix is %zu x %zu for "
			    "%zu labels",
			    c->matrix.rows, c->matrix.cols, c->labels.n);
		return SG_EDATA;
	}
	return 0;
}

cJSON *sg_report_review_to_json(const struct sg_report_review *r)
{
	return sg_shape_to_json(&review_shape, r);
}

void sg_report_review_free(struct sg_report_review *r)
{
	sg_shape_free(&review_shape, r);
}

int sg_report_from_json(const cJSON *j, struct sg_report **out,
			struct sg_diag *diag)
{
	struct sg_report *r = sg_xmalloc(sizeof(*r));
	int ret = sg_shape_from_json(&report_shape, r, j, diag);

	if (!ret && (ret = check_read(r, diag)))
		sg_shape_free(&report_shape, r);
	if (ret) {
		free(r);
		r = NULL;
	}
	*out = r;
	return ret;
}

struct sg_report *sg_report_new(void)
{
	struct sg_report *r = sg_xmalloc(sizeof(*r));

	sg_shape_init(&report_shape, r);
	return r;
}

void sg_report_free(struct sg_report *r)
{
	if (!r)
		return;
	sg_shape_free(&report_shape, r);
	free(r);
}
