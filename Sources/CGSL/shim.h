#ifndef COORDBENCH_CGSL_SHIM_H
#define COORDBENCH_CGSL_SHIM_H

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>

// Swift 6 rejects GSL's global `const gsl_rng_type *` variables (mutable global state),
// so the generator types are reached through these functions instead.
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *cgsl_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_rng_type *cgsl_rng_taus2(void) { return gsl_rng_taus2; }

// GSL's default error handler aborts the process; the statistics code checks its inputs
// itself, so the handler is switched off once, before the first call.
static inline void cgsl_disable_error_handler(void) { gsl_set_error_handler_off(); }

// The C library's printf for one double (`%.6g`, `%.2f`…): Swift cannot call a variadic C
// function, and `String(format:)` costs several times more. Used by Reporting's number formats.
static inline int cgsl_format_double(char *buffer, size_t size, const char *format, double value) {
    return snprintf(buffer, size, format, value);
}

#endif
