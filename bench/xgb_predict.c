/*
 * xgb_predict.c - the reference for bench/run.sh: XGBoost's C API alone,
 * predicting rows that are already in memory as a float array.
 *
 * usage: xgb_predict MODEL LOG.csv BATCH [REPEAT] [FEATURE...]
 *        xgb_predict --version      (the library's XGBoostVersion())
 *
 * Reads the FEATURE columns (default f1..f8) of LOG.csv into one row-major
 * float array (empty = NaN), untimed; loads MODEL; then times, best of
 * REPEAT (default 1):
 *
 *   inplace_batched   XGBoosterPredictFromDense over BATCH rows a call
 *                     (array interface over the floats, no copy)
 *   inplace_one_call  the same, all rows in one call
 *   dmatrix_batched   XGDMatrixCreateFromMat + XGBoosterPredict a batch
 *
 * Loading the model is timed apart (load_model), not in the figures.
 * Each timed loop also reads every result (the arg-max of each row), as any
 * caller must. Prints "key value" lines: rows, the wall times in seconds
 * (and <mode>_cpu, the CPU time of all threads), and the class counts of
 * the arg-max so they can be checked against what shadowgate stored. Not part of the shadowgate build: bench/run.sh
 * compiles it with cc ... -lxgboost.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xgboost/c_api.h>

#define MAXCLASS 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "xgb_predict: %s: %s\n", what, XGBGetLastError());
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "xgb_predict: out of memory\n");
		exit(1);
	}
	return p;
}

/* Splits line (no newline) on commas, in place; returns the field count. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *c = strchr(p, ',');

		if (n < max)
			f[n] = p;
		n++;
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

/* Reads the named columns of a simple CSV (no quoted fields). */
static float *load_csv(const char *path, char **names, size_t nf,
		       size_t *nrows)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f[256];
	size_t cap = 0, alloc = 1 << 20, n = 0, i, nfield;
	long col[64];
	ssize_t len;
	float *x;

	if (!fp) {
		perror(path);
		exit(1);
	}
	if ((len = getline(&line, &cap, fp)) <= 0) {
		fprintf(stderr, "xgb_predict: %s: empty\n", path);
		exit(1);
	}
	line[strcspn(line, "\r\n")] = '\0';
	nfield = split(line, f, 256);
	for (i = 0; i < nf; i++) {
		size_t k;

		col[i] = -1;
		for (k = 0; k < nfield && k < 256; k++)
			if (!strcmp(f[k], names[i]))
				col[i] = (long)k;
		if (col[i] < 0) {
			fprintf(stderr, "xgb_predict: %s: no column %s\n", path,
				names[i]);
			exit(1);
		}
	}
	x = xmalloc(alloc * nf * sizeof(float));
	while ((len = getline(&line, &cap, fp)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		nfield = split(line, f, 256);
		if (n == alloc) {
			float *y;

			alloc *= 2;
			y = realloc(x, alloc * nf * sizeof(float));
			if (!y) {
				fprintf(stderr, "xgb_predict: out of memory\n");
				exit(1);
			}
			x = y;
		}
		for (i = 0; i < nf; i++) {
			const char *s = (size_t)col[i] < nfield ? f[col[i]] : "";

			x[n * nf + i] = *s ? strtof(s, NULL) : NAN;
		}
		n++;
	}
	free(line);
	fclose(fp);
	*nrows = n;
	return x;
}

static void count_argmax(const float *res, size_t n, size_t k, long *counts)
{
	size_t i, j, best;

	for (i = 0; i < n; i++) {
		const float *r = res + i * k;

		best = 0;
		for (j = 1; j < k; j++)
			if (r[j] > r[best])
				best = j;
		counts[best]++;
	}
}

/* XGBoosterPredictFromDense over rows [off, off + n). */
static size_t predict_inplace(BoosterHandle b, const float *x, size_t n,
			      size_t nf, long *counts)
{
	static const char *conf =
		"{\"type\": 0, \"training\": false, \"iteration_begin\": 0,"
		" \"iteration_end\": 0, \"strict_shape\": true,"
		" \"missing\": NaN, \"cache_id\": 0}";
	char ai[256];
	const bst_ulong *shape = NULL;
	const float *res = NULL;
	bst_ulong dim = 0;

	snprintf(ai, sizeof(ai),
		 "{\"data\": [%" PRIuPTR ", true], \"shape\": [%zu, %zu],"
		 " \"typestr\": \"<f4\", \"version\": 3}",
		 (uintptr_t)x, n, nf);
	if (XGBoosterPredictFromDense(b, ai, conf, NULL, &shape, &dim, &res))
		die("XGBoosterPredictFromDense");
	if (dim != 2 || shape[0] != n || shape[1] > MAXCLASS) {
		fprintf(stderr, "xgb_predict: unexpected shape\n");
		exit(1);
	}
	count_argmax(res, n, (size_t)shape[1], counts);
	return (size_t)shape[1];
}

static void predict_dmatrix(BoosterHandle b, const float *x, size_t n,
			    size_t nf, long *counts)
{
	static const char *conf =
		"{\"type\": 0, \"training\": false, \"iteration_begin\": 0,"
		" \"iteration_end\": 0, \"strict_shape\": true}";
	DMatrixHandle d;
	const bst_ulong *shape = NULL;
	const float *res = NULL;
	bst_ulong dim = 0;

	if (XGDMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)nf, NAN, &d))
		die("XGDMatrixCreateFromMat");
	if (XGBoosterPredictFromDMatrix(b, d, conf, &shape, &dim, &res))
		die("XGBoosterPredictFromDMatrix");
	if (dim != 2 || shape[0] != n || shape[1] > MAXCLASS) {
		fprintf(stderr, "xgb_predict: unexpected shape\n");
		exit(1);
	}
	count_argmax(res, n, (size_t)shape[1], counts);
	XGDMatrixFree(d);
}

enum { INPLACE_BATCHED, INPLACE_ONE, DMATRIX_BATCHED, NMODES };

int main(int argc, char **argv)
{
	static const char *mode_names[NMODES] = {
		"inplace_batched", "inplace_one_call", "dmatrix_batched"};
	static char *defaults[] = {"f1", "f2", "f3", "f4",
				   "f5", "f6", "f7", "f8"};
	char **names = defaults;
	size_t nf = 8, nrows, batch, off, k, nclass = 0;
	long counts[MAXCLASS] = {0};
	double best[NMODES], cpu[NMODES], t0, c0, t, load;
	int repeat = 1, r, mode;
	BoosterHandle b;
	float *x;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		int major, minor, patch;

		XGBoostVersion(&major, &minor, &patch);
		printf("%d.%d.%d\n", major, minor, patch);
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: xgb_predict MODEL LOG.csv BATCH "
				"[REPEAT] [FEATURE...]\n");
		return 2;
	}
	batch = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		repeat = atoi(argv[4]);
	if (argc > 5) {
		names = argv + 5;
		nf = (size_t)(argc - 5);
	}
	if (!batch || repeat < 1 || nf > 64) {
		fprintf(stderr, "xgb_predict: bad batch, repeat or features\n");
		return 2;
	}
	x = load_csv(argv[2], names, nf, &nrows);
	if (!nrows) {
		fprintf(stderr, "xgb_predict: no rows\n");
		return 1;
	}
	t0 = now_s();
	XGBSetGlobalConfig("{\"verbosity\": 0}");
	if (XGBoosterCreate(NULL, 0, &b))
		die("XGBoosterCreate");
	if (XGBoosterLoadModel(b, argv[1]))
		die("XGBoosterLoadModel");
	load = now_s() - t0;
	/* warm up: thread pool, predictor, first allocations (untimed) */
	nclass = predict_inplace(b, x, nrows < batch ? nrows : batch, nf,
				 counts);
	for (mode = 0; mode < NMODES; mode++) {
		best[mode] = INFINITY;
		for (r = 0; r < repeat; r++) {
			memset(counts, 0, sizeof(counts));
			c0 = cpu_s();
			t0 = now_s();
			if (mode == INPLACE_ONE) {
				predict_inplace(b, x, nrows, nf, counts);
			} else {
				for (off = 0; off < nrows; off += batch) {
					size_t n = nrows - off < batch
							   ? nrows - off
							   : batch;

					if (mode == INPLACE_BATCHED)
						predict_inplace(b, x + off * nf,
								n, nf, counts);
					else
						predict_dmatrix(b, x + off * nf,
								n, nf, counts);
				}
			}
			t = now_s() - t0;
			if (t < best[mode]) {
				best[mode] = t;
				cpu[mode] = cpu_s() - c0;
			}
		}
	}
	printf("rows %zu\nfeatures %zu\nbatch %zu\nclasses %zu\nload_model %.6f\n",
	       nrows, nf, batch, nclass, load);
	for (mode = 0; mode < NMODES; mode++)
		printf("%s %.6f\n%s_cpu %.6f\n", mode_names[mode], best[mode],
		       mode_names[mode], cpu[mode]);
	for (k = 0; k < nclass; k++)
		printf("class%zu %ld\n", k, counts[k]);
	XGBoosterFree(b);
	free(x);
	return 0;
}
