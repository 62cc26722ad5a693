/*
 * fuzz_gate.c - libFuzzer harness for the go-live gate (sg/gate.h): the
 * input, parsed as JSON with cJSON, is a hostile "report", judged by a
 * policy that sets every check (on the bound and on the estimate). The
 * verdict is then turned into JSON and written in every format, as the
 * gate command does.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "sg/gate.h"

static FILE *devnull;

static void policy_all(struct sg_gate_conf *g, int on_estimate)
{
	g->min_agreement = 0.8;
	g->min_kappa = 0.6;
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
	cJSON *report, *j;
	size_t f;
	int on;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	report = cJSON_ParseWithLength((const char *)data, size);
	if (!report)
		return 0;
	for (on = 0; on < 2; on++) {
		policy_all(&g, on);
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
	cJSON_Delete(report);
	return 0;
}
