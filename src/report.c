/*
 * report.c - the agreement report (sg_report_compute): options, the model
 * and the window worked out, the reference window of drift, and the order
 * of the steps: the store's pass (store_scan.c) into the accumulator
 * (report_acc.c), then the finishing steps that fill the typed report,
 * struct sg_report (report_types.h), from the accumulated state:
 *   sg_rep_fill_head        report_version, generated_at, model, window,
 *                           confidence, decision_type, cases, counts
 *   sg_rep_fill_rate        agreement
 *   sg_rep_fill_labels      kappa, labels, confusion, per_class, averages
 *   sg_rep_fill_segments, _nights, _regression, _baseline (human_baseline),
 *   _coverage, _software, _examples (disagreements)   report_build.c
 *   sg_rep_fill_inputs      inputs                     report_inputs.c
 *   sg_rep_fill_outputs, _version_change   outputs     report_outputs.c
 * No cJSON tree is built: the JSON is sg_report_to_json of the struct
 * (report_json.c). The sections of a model (all but the head and
 * human_baseline) are there only when the report has one (has_model); the
 * struct starts from sg_report_new, so what is not filled is NaN or NULL,
 * as a report read back from its JSON. And storing a report.
 *
 * Monitoring: with a reference window (resolve_reference) the window's
 * present feature values are kept, by night, and a second pass
 * (scan_reference) reads the reference's; a third pass (reference_outputs,
 * the same scan over the reference window) gives the model's outputs on
 * each reference night.
 */
#include "report_impl.h"

#include "sg/review.h"

/* ---- options ---- */

void sg_report_opts_init(struct sg_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->confidence = 0.95;
	o->tolerance = 0.5;
	o->target_agreement = 0.95;
	o->decision_type = SG_DECISION_AUTO;
}

void sg_report_opts_from_config(struct sg_report_opts *o,
				const struct sg_config *cfg)
{
	const struct sg_report_conf *rc = &cfg->report;

	if (rc->confidence > 0 && rc->confidence < 1)
		o->confidence = rc->confidence;
	if (rc->tolerance >= 0)
		o->tolerance = rc->tolerance;
	if (rc->target_agreement >= 0 && rc->target_agreement <= 1)
		o->target_agreement = rc->target_agreement;
	o->last = rc->window_nights > 0 ? rc->window_nights : 0;
	o->label_order = &rc->label_order;
	o->segments = &cfg->log.segments;
	o->decision_type = cfg->log.explicit_mask & SG_LOGKEY_DECISION_TYPE
				   ? cfg->log.decision_type
				   : SG_DECISION_AUTO;
	o->reference_since = rc->reference_since;
	o->reference_until = rc->reference_until;
	o->reference_nights = rc->reference_nights > 0 ? rc->reference_nights
						       : 0;
}

int sg_report_check_night(const char *flag, const char *s,
			  struct sg_diag *diag)
{
	double epoch;
	char night[11];
	const char *why = "expected YYYY-MM-DD";

	if (strlen(s) != 10 || sg_time_parse(s, 10, &epoch, night, &why)) {
		sg_diag_set(diag, NULL, 0, 0, "%s: not a night YYYY-MM-DD: '%s'"
			    " (%s)", flag, s, why);
		return SG_EUSAGE;
	}
	return 0;
}

/* ---- model and window ---- */

static int find_model(struct rep *r, struct sg_diag *diag)
{
	return sg_scan_find_model(r->s, r->o->model, &r->model, diag);
}

/* r->w.undated_out: the cases without a night, which a window of nights
 * leaves out. */
static int count_undated(struct rep *r, struct sg_diag *diag)
{
	return sg_scan_count_undated(r->s, &r->w.undated_out, diag);
}

static int resolve_window(struct rep *r, struct sg_diag *diag)
{
	const struct sg_report_opts *o = r->o;
	char lo[11], hi[11];
	int ret, found;

	if (o->since && (ret = sg_report_check_night("--since", o->since,
						     diag)))
		return ret;
	if (o->until && (ret = sg_report_check_night("--until", o->until,
						     diag)))
		return ret;
	if (o->since && o->last > 0) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--since and --last cannot be used together");
		return SG_EUSAGE;
	}
	if (o->since && o->until && strcmp(o->since, o->until) > 0) {
		sg_diag_set(diag, NULL, 0, 0, "--since %s is after --until %s",
			    o->since, o->until);
		return SG_EUSAGE;
	}
	if (o->since) {
		memcpy(r->w.since, o->since, 11);
		r->w.has_since = 1;
	}
	if (o->until) {
		memcpy(r->w.until, o->until, 11);
		r->w.has_until = 1;
	}
	if (o->last <= 0) {
		r->w.whole = !o->since && !o->until;
		return r->w.whole ? 0 : count_undated(r, diag);
	}
	ret = sg_scan_last_nights(r->s, o->until, o->last, lo, hi, &found,
				  diag);
	if (ret)
		return ret;
	if (!found && !o->until) {
		/* no case has a night (a log without times): the last N
		 * nights are all cases, not none */
		r->w.whole = 1;
		r->w.undated_all = 1;
	} else if (!found) {
		r->w.empty = 1;
	} else {
		memcpy(r->w.since, lo, 11);
		r->w.has_since = 1;
		if (!o->until) {
			memcpy(r->w.until, hi, 11);
			r->w.has_until = 1;
		}
	}
	if (ret || r->w.whole)
		return ret;
	return count_undated(r, diag);
}

int sg_decision_type_resolve(struct sg_store *s, int asked, int *type,
			     struct sg_diag *diag)
{
	static const char *const name[] = {"label", "numeric"};
	int ret = sg_decision_type_of_store(s, type, diag);

	if (ret)
		return ret;
	if (*type == SG_DECISION_AUTO) {
		*type = asked == SG_DECISION_NUMERIC ? SG_DECISION_NUMERIC
						     : SG_DECISION_LABEL;
		return 0;
	}
	if (asked != SG_DECISION_AUTO && asked != *type) {
		sg_diag_set(diag, NULL, 0, 0,
			    "decision type %s (log.decision_type or "
			    "--decision-type) contradicts the store, whose "
			    "decisions are %s",
			    name[asked == SG_DECISION_NUMERIC],
			    *type == SG_DECISION_NUMERIC ? "numbers" : "labels");
		return SG_EUSAGE;
	}
	return 0;
}

static int detect_type(struct rep *r, struct sg_diag *diag)
{
	int type, ret = sg_decision_type_resolve(r->s, r->o->decision_type,
						 &type, diag);

	r->numeric = !ret && type == SG_DECISION_NUMERIC;
	return ret;
}

/* ---- the reference window ---- */

static int resolve_reference(struct rep *r, struct sg_diag *diag)
{
	const struct sg_report_opts *o = r->o;
	int ret, found;

	if (o->reference_since &&
	    (ret = sg_report_check_night("--reference-since",
					 o->reference_since, diag)))
		return ret;
	if (o->reference_until &&
	    (ret = sg_report_check_night("--reference-until",
					 o->reference_until, diag)))
		return ret;
	if (o->reference_since && o->reference_until &&
	    strcmp(o->reference_since, o->reference_until) > 0) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--reference-since %s is after --reference-until %s",
			    o->reference_since, o->reference_until);
		return SG_EUSAGE;
	}
	if (o->reference_since || o->reference_until) {
		r->ref_on = 1;
		r->ref_how = "since_until";
		if (o->reference_since) {
			memcpy(r->ref_since, o->reference_since, 11);
			r->ref_has_since = 1;
		}
		if (o->reference_until) {
			memcpy(r->ref_until, o->reference_until, 11);
			r->ref_has_until = 1;
		}
		return 0;
	}
	if (o->reference_nights <= 0)
		return 0;
	r->ref_on = 1;
	r->ref_how = "first_nights";
	ret = sg_scan_first_nights(r->s, o->reference_nights, r->ref_since,
				   r->ref_until, &found, diag);
	if (found)
		r->ref_has_since = r->ref_has_until = 1;
	return ret;
}

/*
 * What the model did on each night of the reference window (predictions,
 * errors, label shift), for thresholds learned from those nights: the
 * same pass as the window's, over the reference window.
 */
static int reference_outputs(struct rep *r, struct sg_diag *diag)
{
	struct sg_report_opts o = *r->o;
	struct sg_buf spec = SG_BUF_INIT;
	struct rep c;
	size_t i, j, k;
	int ret;

	if (!r->ref_nights)
		return 0;
	sg_buf_addf(&spec, "%s@%s", r->model.name, r->model.version);
	o.model = spec.buf;
	o.since = r->ref_has_since ? r->ref_since : NULL;
	o.until = r->ref_has_until ? r->ref_until : NULL;
	o.last = 0;
	o.reference_since = o.reference_until = NULL;
	o.reference_nights = 0;
	ret = sg_rep_prepare(&c, r->s, &o, diag);
	if (!ret)
		ret = sg_rep_scan(&c, diag);
	for (i = 0; !ret && i < c.nnights; i++) {
		const struct night_acc *n = &c.nights[i];
		struct refnight *ro = NULL;

		for (j = 0; j < (size_t)r->ref_nights && !ro; j++)
			if (!strcmp(r->refn[j].night, n->night))
				ro = &r->refn[j];
		if (!ro)
			continue;
		ro->preds = n->preds;
		ro->errors = n->errors;
		ro->compared = n->a.n;
		if (c.numeric || !n->a.n)
			continue;
		ro->label_shift = 0;
		for (k = 0; k < n->nl; k++) {
			double d = fabs((double)(n->ml[k] - n->hl[k])) /
				   (double)n->a.n;

			if (d > ro->label_shift)
				ro->label_shift = d;
		}
	}
	sg_rep_release(&c);
	sg_buf_release(&spec);
	return ret;
}

int sg_rep_prepare(struct rep *r, struct sg_store *s,
		   const struct sg_report_opts *o, struct sg_diag *diag)
{
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->o = o;
	r->night_idx = r->seg_id = -1;
	if (!(o->confidence > 0 && o->confidence < 1)) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--confidence: %g is out of range (0, 1)",
			    o->confidence);
		return SG_EUSAGE;
	}
	if (o->segments && o->segments->n) {
		r->fixed_cols = 1;
		for (i = 0; i < o->segments->n; i++)
			sg_rep_segcol_id(r, o->segments->v[i],
				  strlen(o->segments->v[i]));
	}
	ret = resolve_window(r, diag);
	if (!ret)
		ret = find_model(r, diag);
	if (!ret)
		ret = detect_type(r, diag);
	return ret;
}

int sg_report_compute(struct sg_store *s, const struct sg_report_opts *opts,
		      struct sg_report **out, struct sg_diag *diag)
{
	struct sg_report *rep = NULL;
	struct rep r;
	int ret;

	*out = NULL;
	ret = sg_rep_prepare(&r, s, opts, diag);
	if (!ret)
		ret = resolve_reference(&r, diag);
	if (ret)
		goto out;
	if (!r.model.id)
		r.ref_on = 0; /* no inputs section to measure drift in */
	ret = sg_rep_scan(&r, diag);
	if (!ret)
		ret = sg_rep_scan_reference(&r, diag);
	if (!ret && r.ref_on)
		ret = reference_outputs(&r, diag);
	if (ret)
		goto out;
	rep = sg_report_new();
	sg_rep_fill_head(&r, rep);
	rep->has_model = r.model.id != 0;
	if (r.model.id) {
		sg_rep_fill_rate(&rep->agreement, r.agree, r.compared,
				 opts->confidence);
		sg_rep_fill_labels(&r, rep);
		sg_rep_fill_segments(&r, rep);
		sg_rep_fill_nights(&r, rep);
		sg_rep_fill_regression(&r, rep);
	}
	sg_rep_fill_baseline(&r, rep);
	if (r.model.id) {
		ret = sg_rep_fill_coverage(&r, rep, diag);
		if (!ret)
			ret = sg_rep_fill_software(&r, rep, diag);
		if (ret)
			goto out;
		sg_rep_fill_inputs(&r, rep);
		ret = sg_rep_fill_outputs(&r, rep, diag);
		if (!ret)
			ret = sg_rep_fill_version_change(&r, rep, diag);
		if (!ret)
			ret = sg_rep_fill_examples(&r, rep, diag);
		if (!ret)
			ret = sg_review_attach(s, opts, rep, diag);
		if (ret)
			goto out;
	}
	*out = rep;
	rep = NULL;
out:
	sg_report_free(rep);
	sg_rep_release(&r);
	return ret;
}

int sg_report_store(struct sg_store *s, const struct sg_report *report,
		    long *report_id, struct sg_diag *diag)
{
	cJSON *tree = sg_report_to_json(report);
	char *text, now[32];
	int ret;

	text = sg_report_json(tree, 0);
	cJSON_Delete(tree);
	sg_now_iso(now);
	ret = sg_scan_insert_report(
		s, report->model != NULL, report->model ? report->model->id : 0,
		report->window.since, report->window.until, now, text,
		report_id, diag);
	free(text);
	return ret;
}
