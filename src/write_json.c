/*
 * write_json.c - the JSON views: the exact-number printer of a cJSON tree
 * (sg_report_json: the report, the sample, history), the typed report as
 * JSON (its tree from report_json.c's sg_report_to_json),
 * and the gate's verdict and policy as JSON (sg_gate_result_json,
 * sg_gate_policy_json: for `gate --format json` and the audit trail).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/json.h"
#include "sg/report.h"
#include "write_impl.h"

/* A NUL-terminated string (NULL: "") as a JSON string. */
static void quote(struct sg_buf *b, const char *s)
{
	sg_json_quote_utf8(b, s ? s : "", s ? strlen(s) : 0);
}

static void indent(struct sg_buf *b, int pretty, int depth)
{
	int i;

	if (!pretty)
		return;
	sg_buf_addch(b, '\n');
	for (i = 0; i < depth; i++)
		sg_buf_addstr(b, "  ");
}

static void json_value(struct sg_buf *b, const cJSON *v, int pretty, int depth)
{
	const cJSON *c;
	int first = 1, obj, flat;

	if (!v || cJSON_IsNull(v) || cJSON_IsInvalid(v)) {
		sg_buf_addstr(b, "null");
	} else if (cJSON_IsFalse(v)) {
		sg_buf_addstr(b, "false");
	} else if (cJSON_IsTrue(v)) {
		sg_buf_addstr(b, "true");
	} else if (cJSON_IsNumber(v)) {
		sg_buf_add_json_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		quote(b, v->valuestring);
	} else if (cJSON_IsRaw(v)) {
		sg_buf_addstr(b, v->valuestring ? v->valuestring : "null");
	} else {
		obj = cJSON_IsObject(v);
		/* an array of scalars stays on one line: [low, high] */
		flat = !obj;
		for (c = v->child; c && flat; c = c->next)
			flat = !cJSON_IsArray(c) && !cJSON_IsObject(c);
		sg_buf_addch(b, obj ? '{' : '[');
		for (c = v->child; c; c = c->next) {
			if (!first)
				sg_buf_addstr(b, flat && pretty ? ", " : ",");
			first = 0;
			if (!flat)
				indent(b, pretty, depth + 1);
			if (obj) {
				quote(b, c->string);
				sg_buf_addstr(b, pretty ? ": " : ":");
			}
			json_value(b, c, pretty, depth + 1);
		}
		if (!first && !flat)
			indent(b, pretty, depth);
		sg_buf_addch(b, obj ? '}' : ']');
	}
}

char *sg_report_json(const cJSON *json, int pretty)
{
	struct sg_buf b = SG_BUF_INIT;

	json_value(&b, json, pretty, 0);
	if (pretty)
		sg_buf_addch(&b, '\n');
	return sg_buf_detach(&b);
}

int sg_write_json_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict)
{
	cJSON *tree = sg_report_to_json(r);
	char *t;

	(void)color;
	(void)verdict;
	if (!tree)
		return SG_ENOMEM;
	t = sg_report_json(tree, 1);
	fputs(t, f);
	free(t);
	cJSON_Delete(tree);
	return 0;
}

cJSON *sg_gate_policy_json(const struct sg_gate_conf *g)
{
	cJSON *o = cJSON_CreateObject();

	if (!isnan(g->min_agreement))
		sg_json_add_num(o, "min_agreement", g->min_agreement);
	if (g->incumbent) {
		cJSON_AddStringToObject(o, "incumbent", g->incumbent);
		sg_json_add_num(o, "incumbent_margin", g->incumbent_margin);
	}
	if (!isnan(g->min_kappa))
		sg_json_add_num(o, "min_kappa", g->min_kappa);
	if (g->min_cases >= 0)
		sg_json_add_num(o, "min_cases", (double)g->min_cases);
	cJSON_AddStringToObject(o, "on", sg_gate_on_name(g->on_estimate));
	if (g->on_estimate == SG_GATE_ON_INTERVAL)
		cJSON_AddStringToObject(o, "multiplicity",
					sg_multiplicity_name(g->multiplicity));
	if (g->report_only.n)
		cJSON_AddItemToObject(o, "report_only",
				      cJSON_CreateStringArray(
					      (const char *const *)g->report_only.v,
					      (int)g->report_only.n));
	if (!isnan(g->max_error_rate))
		sg_json_add_num(o, "max_error_rate", g->max_error_rate);
	if (!isnan(g->max_p95_latency_ms))
		sg_json_add_num(o, "max_p95_latency_ms", g->max_p95_latency_ms);
	sg_json_add_num(o, "min_segment_cases", (double)g->min_segment_cases);
	if (!isnan(g->min_segment_agreement))
		sg_json_add_num(o, "min_segment_agreement", g->min_segment_agreement);
	if (!isnan(g->min_recall))
		sg_json_add_num(o, "min_recall", g->min_recall);
	if (!isnan(g->min_precision))
		sg_json_add_num(o, "min_precision", g->min_precision);
	if (!isnan(g->human_margin))
		sg_json_add_num(o, "human_margin", g->human_margin);
	if (!isnan(g->min_ac1))
		sg_json_add_num(o, "min_ac1", g->min_ac1);
	if (!isnan(g->min_model_minus_human))
		sg_json_add_num(o, "min_model_minus_human",
				g->min_model_minus_human);
	if (g->min_reviewed >= 0)
		sg_json_add_num(o, "min_reviewed", (double)g->min_reviewed);
	if (!isnan(g->max_psi))
		sg_json_add_num(o, "max_psi", g->max_psi);
	if (!isnan(g->max_missing_rate))
		sg_json_add_num(o, "max_missing_rate", g->max_missing_rate);
	if (!isnan(g->max_label_shift))
		sg_json_add_num(o, "max_label_shift", g->max_label_shift);
	if (g->learn_from_reference) {
		cJSON_AddTrueToObject(o, "learn_from_reference");
		sg_json_add_num(o, "learn_k", g->learn_k);
	}
	if (!isnan(g->min_night_agreement))
		sg_json_add_num(o, "min_night_agreement", g->min_night_agreement);
	if (!isnan(g->max_night_psi))
		sg_json_add_num(o, "max_night_psi", g->max_night_psi);
	if (!isnan(g->max_night_missing_rate))
		sg_json_add_num(o, "max_night_missing_rate", g->max_night_missing_rate);
	if (!isnan(g->min_night_agreement) || !isnan(g->max_night_psi) ||
	    !isnan(g->max_night_missing_rate))
		sg_json_add_num(o, "min_night_cases", (double)g->min_night_cases);
	return o;
}

cJSON *sg_gate_result_json(const struct sg_gate_result *r)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(o, "verdict", sg_verdict_name(r->verdict));
	cJSON_AddNumberToObject(o, "exit_code", r->verdict);
	cJSON_AddStringToObject(o, "reason", r->reason ? r->reason : "");
	cJSON_AddNumberToObject(o, "cases", (double)r->cases);
	cJSON_AddStringToObject(o, "on", sg_gate_on_name(r->on_estimate));
	sg_gate_result_json_extra(o, r);
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];
		cJSON *co = cJSON_CreateObject(), *ci;

		cJSON_AddStringToObject(co, "name", c->name);
		cJSON_AddStringToObject(co, "subject", c->subject);
		sg_json_add_num(co, "value", c->value);
		if (isfinite(c->low) || isfinite(c->high)) {
			ci = cJSON_CreateArray();
			cJSON_AddItemToArray(ci, isfinite(c->low)
							 ? cJSON_CreateNumber(c->low)
							 : cJSON_CreateNull());
			cJSON_AddItemToArray(ci, isfinite(c->high)
							 ? cJSON_CreateNumber(c->high)
							 : cJSON_CreateNull());
			cJSON_AddItemToObject(co, "ci95", ci);
		} else {
			cJSON_AddNullToObject(co, "ci95");
		}
		sg_json_add_num(co, "judged", c->judged);
		sg_json_add_num(co, "threshold", c->threshold);
		cJSON_AddStringToObject(co, "kind", c->is_max ? "max" : "min");
		cJSON_AddStringToObject(co, "outcome",
					sg_check_outcome_name(c->outcome));
		cJSON_AddStringToObject(co, "detail", c->detail ? c->detail : "");
		sg_gate_check_json_extra(co, r, c);
		cJSON_AddItemToArray(arr, co);
	}
	cJSON_AddItemToObject(o, "checks", arr);
	return o;
}

int sg_write_json_gate(FILE *out, const struct sg_gate_result *r,
		       const char *model)
{
	cJSON *o = sg_gate_result_json(r);
	char *text;

	if (model)
		cJSON_AddStringToObject(o, "model", model);
	text = cJSON_Print(o);
	fprintf(out, "%s\n", text);
	free(text);
	cJSON_Delete(o);
	return 0;
}
