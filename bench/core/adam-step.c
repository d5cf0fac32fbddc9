/*
 * The Adam step of bench/core/adam-step.ts in C, for the benchmark's "C -O3" column: the same
 * arithmetic per element as Descent's kernel (m, v, then θ ← θ − a·m/(s·√v + ε)), float64.
 * Usage: adam-step SIZE...   prints {"SIZE": median seconds per step, ...}
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void adam(double *restrict p, const double *restrict g, double *restrict m, double *restrict v, long n,
                 double beta1, double beta2, double momentScale, double rootScale, double epsilon) {
  const double fresh1 = 1 - beta1, fresh2 = 1 - beta2;
  for (long i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + fresh1 * gi;
    const double vi = beta2 * v[i] + fresh2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (momentScale * mi) / (rootScale * sqrt(vi) + epsilon);
  }
}

int main(int argc, char **argv) {
  printf("{");
  for (int a = 1; a < argc; a++) {
    const long n = atol(argv[a]);
    double *p = malloc(n * sizeof(double)), *g = malloc(n * sizeof(double));
    double *m = calloc(n, sizeof(double)), *v = calloc(n, sizeof(double));
    srand(1);
    for (long i = 0; i < n; i++) {
      p[i] = rand() / (double)RAND_MAX - 0.5;
      g[i] = rand() / (double)RAND_MAX - 0.5;
    }
    long repetitions = (long)(2e6 / n);
    if (repetitions < 1) repetitions = 1;
    double samples[15];
    long t = 0;
    for (int round = 0; round < 18; round++) {
      const double start = now();
      for (long k = 0; k < repetitions; k++) {
        t++;
        adam(p, g, m, v, n, 0.9, 0.999, 0.001 / (1 - pow(0.9, t)), 1 / sqrt(1 - pow(0.999, t)), 1e-8);
      }
      if (round >= 3) samples[round - 3] = (now() - start) / repetitions;
    }
    qsort(samples, 15, sizeof(double), ascending);
    printf("%s\"%ld\": %.9g", a > 1 ? ", " : "", n, samples[7]);
    free(p), free(g), free(m), free(v);
  }
  printf("}\n");
  return 0;
}
