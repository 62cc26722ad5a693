/*
 * fuzz_gate.c - libFuzzer harness for reading a report back and judging
 * it (sg/report.h, sg/gate.h), as `gate --report FILE` does: the input,
 * parsed as JSON with cJSON, is a hostile "report", read into the typed
 * report (refused or not: never a crash), written again as JSON (which
 * must read back to the same text) and in every report format, and judged
 * by a policy that sets every check (on the bound, on the estimate, and
 * on the interval with Holm's correction).
 * The verdict is then turned into JSON and written in every format, as
 * the gate command does.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sg/gate.h"
#include "sg/report.h"
#include "sg/writer.h"

static FILE *devnull;

static void policy_all(struct sg_gate_conf *g, int on_estimate)
{
	memset(g, 0, sizeof(*g));
	g->min_agreement = 0.8;
	g->min_kappa = 0.6;
	g->min_ac1 = 0.6;
	g->min_cases = 100;
	g->on_estimate = on_estimate;
	g->max_error_rate = 0.02;
	g->max_p95_latency_ms = 250;
	g->min_segment_cases = 30;
	g->min_segment_agreement = 0.75;
	g->min_recall = 0.7;
	g->min_precision = 0.7;
	g->incumbent = "model@1";
	g->incumbent_margin = 0.01;
	g->human_margin = 0.05;
	g->min_model_minus_human = -0.01;
	g->min_reviewed = 10;
	g->max_psi = 0.2;
	g->max_missing_rate = 0.1;
	g->max_label_shift = 0.1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"text", "json", "markdown",
					      "junit"};
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	struct sg_report *report = NULL, *again = NULL;
	cJSON *tree, *j;
	char *t1, *t2;
	size_t f;
	int on;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	tree = cJSON_ParseWithLength((const char *)data, size);
	if (!tree)
		return 0;
	if (sg_report_from_json(tree, &report, &d)) {
		cJSON_Delete(tree);
		return 0;
	}
	cJSON_Delete(tree);
	/* what is written reads back to the same text */
	tree = sg_report_to_json(report);
	t1 = sg_report_json(tree, 0);
	if (sg_report_from_json(tree, &again, &d))
		abort();
	cJSON_Delete(tree);
	tree = sg_report_to_json(again);
	t2 = sg_report_json(tree, 0);
	if (strcmp(t1, t2))
		abort();
	free(t1);
	free(t2);
	cJSON_Delete(tree);
	sg_report_free(again);
	for (f = 0; sg_report_formats[f]; f++)
		if (sg_report_write(devnull, report, sg_report_formats[f], 0))
			abort();
	for (on = 0; on < 3; on++) {
		policy_all(&g, on);
		g.multiplicity = on == 2; /* interval: Holm over the checks */
		if (sg_gate_judge(report, &g, &r, &d))
			abort(); /* the policy has checks */
		if (r.verdict != SG_GO && r.verdict != SG_NOGO &&
		    r.verdict != SG_INSUFFICIENT)
			abort();
		j = sg_gate_result_json(&r);
		cJSON_Delete(j);
		j = sg_gate_policy_json(&g);
		cJSON_Delete(j);
		for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
			if (sg_gate_write(devnull, &r, formats[f], "m@1"))
				abort();
		sg_gate_result_release(&r);
	}
	sg_report_free(report);
	return 0;
}
