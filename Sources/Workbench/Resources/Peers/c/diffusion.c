/*
 * diffusion.c: Diffuse's C peer, the yardstick for the Swift schedules.
 *
 * u_t = D ∇²u on a rows × cols grid, explicit Euler, 5-point Laplacian:
 *
 *     u'[i,j] = u[i,j] + k·(u[i-1,j] + u[i+1,j] + u[i,j-1] + u[i,j+1] − 4·u[i,j]),
 *     k = D·dt/dx².
 *
 * A missing neighbour is, by boundary: periodic, the cell on the opposite edge;
 * reflecting, the edge cell itself (zero flux); fixed=V, the value V.
 *
 * The way a competent C programmer writes it: two buffers swapped after every
 * step; restrict-qualified row pointers so that the interior loop of a row
 * vectorizes with no run-time alias checks; the boundary rule applied only
 * where it is needed, by choosing the row above/below once per row and
 * computing the first and last column of a row outside the vector loop. One
 * source, two builds:
 *
 *     cc -O3 -march=native          -o diffusion-c        diffusion.c -lm   # peer "c"
 *     cc -O3 -march=native -fopenmp -o diffusion-openmp  diffusion.c -lm   # peer "c-openmp"
 *
 * With OpenMP the thread team is created once per run, not once per step;
 * rows are split statically between threads and the implicit barrier of the
 * worksharing loop separates the steps.
 *
 * float64 and float32 (chosen by the input .npy's dtype) are computed in their
 * own precision by a pair of kernels generated from one macro.
 *
 * Command line (shared with the Python peers):
 *   --input IN.npy --output OUT.npy --iterations N --diffusivity D --dt DT
 *   --dx DX --boundary periodic|reflecting|fixed=V --budget SECONDS
 *   --min-runs K [--threads T]
 * Timing protocol: one untimed warm-up run of the whole workload, then full
 * runs, each from the initial field, until `budget` seconds have passed and at
 * least K runs are done (but at most max(K, 1000) runs). Only the stepping is
 * timed. The final field of the last run is written to OUT.npy; one JSON
 * object goes to stdout. Errors: one line on stderr, exit status 1 (2 for a
 * bad command line).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#define OMP(directive) _Pragma(#directive)
#define PEER_NAME "c-openmp"
#else
#define OMP(directive)
#define PEER_NAME "c"
#endif

/* Tiny workloads would otherwise fill the budget with millions of runs. */
#define MAX_RUNS 1000

#ifndef DIFFUSE_CFLAGS
#define DIFFUSE_CFLAGS ""
#endif

/* MARK: Errors */

static void fail(int status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs(PEER_NAME ": ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(status);
}

/* MARK: Boundaries */

enum boundary_kind { BOUNDARY_PERIODIC, BOUNDARY_REFLECTING, BOUNDARY_FIXED };

/* MARK: Kernels
 *
 * KERNELS(T, S) defines, for element type T:
 *   row_S:   one row of the update, given the rows above and below and the
 *            values beyond the left and right ends of the row;
 *   evolve_S: `steps` steps from `a` (scratch `b`); returns the buffer that
 *            holds the result.
 * `up`, `centre` and `down` may point to the same row (reflecting edges):
 * restrict allows that because none of them is written through.
 */
#define KERNELS(T, S)                                                                  \
    static inline void row_##S(T *restrict out, const T *restrict up,                  \
                               const T *restrict centre, const T *restrict down,       \
                               long n, T k, T left, T right)                           \
    {                                                                                  \
        out[0] = centre[0]                                                             \
            + k * (up[0] + down[0] + left + centre[1] - (T)4 * centre[0]);             \
        for (long j = 1; j < n - 1; ++j)                                               \
            out[j] = centre[j]                                                         \
                + k * (up[j] + down[j] + centre[j - 1] + centre[j + 1]                 \
                       - (T)4 * centre[j]);                                            \
        out[n - 1] = centre[n - 1]                                                     \
            + k * (up[n - 1] + down[n - 1] + centre[n - 2] + right                     \
                   - (T)4 * centre[n - 1]);                                            \
    }                                                                                  \
                                                                                       \
    static T *evolve_##S(T *a, T *b, const T *ghost, long rows, long cols, long steps, \
                         T k, enum boundary_kind kind, T value)                        \
    {                                                                                  \
        OMP(omp parallel)                                                              \
        {                                                                              \
            T *src = a, *dst = b;                                                      \
            for (long s = 0; s < steps; ++s) {                                         \
                OMP(omp for schedule(static))                                          \
                for (long i = 0; i < rows; ++i) {                                      \
                    const T *centre = src + i * cols;                                  \
                    const T *up, *down;                                                \
                    if (i > 0)                                                         \
                        up = centre - cols;                                            \
                    else if (kind == BOUNDARY_PERIODIC)                                \
                        up = src + (rows - 1) * cols;                                  \
                    else if (kind == BOUNDARY_REFLECTING)                              \
                        up = centre;                                                   \
                    else                                                               \
                        up = ghost;                                                    \
                    if (i < rows - 1)                                                  \
                        down = centre + cols;                                          \
                    else if (kind == BOUNDARY_PERIODIC)                                \
                        down = src;                                                    \
                    else if (kind == BOUNDARY_REFLECTING)                              \
                        down = centre;                                                 \
                    else                                                               \
                        down = ghost;                                                  \
                    T left, right;                                                     \
                    switch (kind) {                                                    \
                    case BOUNDARY_PERIODIC:                                            \
                        left = centre[cols - 1];                                       \
                        right = centre[0];                                             \
                        break;                                                         \
                    case BOUNDARY_REFLECTING:                                          \
                        left = centre[0];                                              \
                        right = centre[cols - 1];                                      \
                        break;                                                         \
                    default:                                                           \
                        left = value;                                                  \
                        right = value;                                                 \
                        break;                                                         \
                    }                                                                  \
                    row_##S(dst + i * cols, up, centre, down, cols, k, left, right);   \
                }                                                                      \
                /* the implicit barrier above ends the step for every thread */        \
                T *t = src;                                                            \
                src = dst;                                                             \
                dst = t;                                                               \
            }                                                                          \
        }                                                                              \
        return (steps % 2 == 0) ? a : b;                                               \
    }

KERNELS(double, f64)
KERNELS(float, f32)

/* MARK: .npy files (format version 1.0; 2.0 and 3.0 headers are read too) */

struct npy {
    int elsize; /* 8: '<f8', 4: '<f4' */
    long rows, cols;
    void *data; /* rows * cols * elsize bytes, C order, 64-byte aligned */
};

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    return *(const unsigned char *)&probe == 1;
}

static void *aligned_buffer(size_t bytes)
{
    size_t rounded = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, rounded ? rounded : 64);
    if (!p)
        fail(1, "out of memory (%zu bytes)", bytes);
    return p;
}

/* The value of `key` in a header dict such as
 * {'descr': '<f8', 'fortran_order': False, 'shape': (640, 640), } */
static const char *header_value(const char *header, const char *key, const char *path)
{
    const char *p = strstr(header, key);
    if (!p)
        fail(1, "%s: the .npy header has no %s", path, key);
    p += strlen(key);
    while (*p == ' ' || *p == '\'' || *p == '"')
        ++p;
    if (*p != ':')
        fail(1, "%s: malformed .npy header near %s", path, key);
    ++p;
    while (*p == ' ')
        ++p;
    return p;
}

static struct npy read_npy(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail(1, "cannot open %s: %s", path, strerror(errno));
    unsigned char preamble[10];
    if (fread(preamble, 1, 8, f) != 8 || memcmp(preamble, "\x93NUMPY", 6) != 0)
        fail(1, "%s is not a .npy file", path);
    int major = preamble[6];
    size_t header_len;
    if (major == 1) {
        if (fread(preamble + 8, 1, 2, f) != 2)
            fail(1, "%s: truncated .npy header", path);
        header_len = (size_t)preamble[8] | (size_t)preamble[9] << 8;
    } else if (major == 2 || major == 3) {
        unsigned char len[4];
        if (fread(len, 1, 4, f) != 4)
            fail(1, "%s: truncated .npy header", path);
        header_len = (size_t)len[0] | (size_t)len[1] << 8 | (size_t)len[2] << 16
            | (size_t)len[3] << 24;
    } else {
        fail(1, "%s: unsupported .npy format version %d.%d", path, major, preamble[7]);
    }
    if (header_len > (1u << 20))
        fail(1, "%s: .npy header too long", path);
    char *header = malloc(header_len + 1);
    if (!header)
        fail(1, "out of memory");
    if (fread(header, 1, header_len, f) != header_len)
        fail(1, "%s: truncated .npy header", path);
    header[header_len] = '\0';

    struct npy a = {0};
    const char *descr = header_value(header, "descr", path);
    if (strncmp(descr, "'<f8'", 5) == 0 || strncmp(descr, "\"<f8\"", 5) == 0)
        a.elsize = 8;
    else if (strncmp(descr, "'<f4'", 5) == 0 || strncmp(descr, "\"<f4\"", 5) == 0)
        a.elsize = 4;
    else
        fail(1, "%s: dtype %.*s is not supported (use '<f8' or '<f4')", path,
             (int)strcspn(descr, ",}"), descr);

    const char *order = header_value(header, "fortran_order", path);
    if (strncmp(order, "False", 5) != 0)
        fail(1, "%s: Fortran-order arrays are not supported (save with C order)", path);

    /* exactly two dimensions: "(R, C)", optionally with a trailing comma */
    const char *shape = header_value(header, "shape", path);
    const char *p = shape;
    char *end;
    long rows = -1, cols = -1;
    if (*p++ == '(') {
        rows = strtol(p, &end, 10);
        p = end;
        while (*p == ' ')
            ++p;
        if (end != shape + 1 && *p++ == ',') {
            cols = strtol(p, &end, 10);
            if (end == p)
                cols = -1;
            p = end;
            while (*p == ' ' || *p == ',')
                ++p;
            if (*p != ')')
                cols = -1;
        }
    }
    if (rows < 0 || cols < 0)
        fail(1, "%s: the array is not two-dimensional (shape %.*s)", path,
             (int)strcspn(shape, ")") + 1, shape);
    if (rows < 3 || cols < 3)
        fail(1, "%s: the grid is %ld × %ld; it must be at least 3 × 3", path, rows, cols);
    free(header);

    a.rows = rows;
    a.cols = cols;
    size_t bytes = (size_t)rows * (size_t)cols * (size_t)a.elsize;
    a.data = aligned_buffer(bytes);
    if (fread(a.data, 1, bytes, f) != bytes)
        fail(1, "%s: the file holds fewer than %ld × %ld values", path, rows, cols);
    fclose(f);
    return a;
}

static void write_npy(const char *path, const void *data, int elsize, long rows, long cols)
{
    char dict[128];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%ld, %ld), }",
                     elsize == 8 ? "<f8" : "<f4", rows, cols);
    /* magic (6) + version (2) + length (2) + dict + spaces + '\n': a multiple of 64 */
    size_t total = (size_t)(10 + n + 1 + 63) / 64 * 64;
    size_t header_len = total - 10;
    char *header = malloc(header_len);
    if (!header)
        fail(1, "out of memory");
    memcpy(header, dict, (size_t)n);
    memset(header + n, ' ', header_len - (size_t)n - 1);
    header[header_len - 1] = '\n';
    unsigned char preamble[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                  (unsigned char)(header_len & 0xff),
                                  (unsigned char)(header_len >> 8)};
    FILE *f = fopen(path, "wb");
    if (!f)
        fail(1, "cannot create %s: %s", path, strerror(errno));
    size_t bytes = (size_t)rows * (size_t)cols * (size_t)elsize;
    if (fwrite(preamble, 1, 10, f) != 10 || fwrite(header, 1, header_len, f) != header_len
        || fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0)
        fail(1, "cannot write %s: %s", path, strerror(errno));
    free(header);
}

/* MARK: Command line */

struct options {
    const char *input, *output;
    long iterations;
    double diffusivity, dt, dx;
    enum boundary_kind boundary;
    double value;
    double budget;
    long min_runs;
    long threads; /* 0: not given */
};

static double number(const char *flag, const char *text)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(x))
        fail(2, "%s: '%s' is not a finite number", flag, text);
    return x;
}

static long integer(const char *flag, const char *text, long minimum)
{
    char *end;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (errno || end == text || *end)
        fail(2, "%s: '%s' is not an integer", flag, text);
    if (x < minimum)
        fail(2, "%s must be at least %ld (got %ld)", flag, minimum, x);
    return x;
}

static struct options parse(int argc, char **argv)
{
    struct options o = {.iterations = -1, .diffusivity = NAN, .dt = NAN, .dx = NAN,
                        .budget = 1.0, .min_runs = 3};
    const char *boundary = NULL;
    for (int i = 1; i < argc; ++i) {
        const char *flag = argv[i];
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            printf("usage: %s --input IN.npy --output OUT.npy --iterations N "
                   "--diffusivity D --dt DT --dx DX --boundary periodic|reflecting|fixed=V "
                   "--budget SECONDS --min-runs K [--threads T]\n", argv[0]);
            exit(0);
        }
        if (i + 1 >= argc)
            fail(2, "%s needs a value", flag);
        const char *v = argv[++i];
        if (strcmp(flag, "--input") == 0)
            o.input = v;
        else if (strcmp(flag, "--output") == 0)
            o.output = v;
        else if (strcmp(flag, "--iterations") == 0)
            o.iterations = integer(flag, v, 0);
        else if (strcmp(flag, "--diffusivity") == 0)
            o.diffusivity = number(flag, v);
        else if (strcmp(flag, "--dt") == 0)
            o.dt = number(flag, v);
        else if (strcmp(flag, "--dx") == 0)
            o.dx = number(flag, v);
        else if (strcmp(flag, "--boundary") == 0)
            boundary = v;
        else if (strcmp(flag, "--budget") == 0)
            o.budget = number(flag, v);
        else if (strcmp(flag, "--min-runs") == 0)
            o.min_runs = integer(flag, v, 1);
        else if (strcmp(flag, "--threads") == 0)
            o.threads = integer(flag, v, 1);
        else
            fail(2, "unknown option %s", flag);
    }
    if (!o.input || !o.output)
        fail(2, "--input and --output are required");
    if (o.iterations < 0)
        fail(2, "--iterations is required");
    if (isnan(o.diffusivity) || isnan(o.dt) || isnan(o.dx))
        fail(2, "--diffusivity, --dt and --dx are required");
    if (o.dx <= 0)
        fail(2, "--dx must be positive");
    if (o.budget < 0)
        fail(2, "--budget must not be negative");
    if (!boundary)
        fail(2, "--boundary is required");
    if (strcmp(boundary, "periodic") == 0)
        o.boundary = BOUNDARY_PERIODIC;
    else if (strcmp(boundary, "reflecting") == 0)
        o.boundary = BOUNDARY_REFLECTING;
    else if (strncmp(boundary, "fixed=", 6) == 0) {
        o.boundary = BOUNDARY_FIXED;
        o.value = number("--boundary fixed=V", boundary + 6);
    } else
        fail(2, "--boundary must be periodic, reflecting or fixed=V (got '%s')", boundary);
    return o;
}

/* MARK: Timing */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; ++s) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        if ((unsigned char)*s >= 0x20)
            putchar(*s);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    struct options o = parse(argc, argv);
    if (!host_is_little_endian())
        fail(1, "this peer reads and writes little-endian .npy files only");

    struct npy initial = read_npy(o.input);
    const long rows = initial.rows, cols = initial.cols;
    const size_t bytes = (size_t)rows * (size_t)cols * (size_t)initial.elsize;
    const double k = o.diffusivity * o.dt / (o.dx * o.dx);

    int threads = 1;
#ifdef _OPENMP
    if (o.threads > 0)
        omp_set_num_threads((int)o.threads);
    threads = omp_get_max_threads();
#endif

    void *a = aligned_buffer(bytes), *b = aligned_buffer(bytes);
    void *ghost = aligned_buffer((size_t)cols * (size_t)initial.elsize);
    for (long j = 0; j < cols; ++j) {
        if (initial.elsize == 8)
            ((double *)ghost)[j] = o.value;
        else
            ((float *)ghost)[j] = (float)o.value;
    }

    size_t capacity = 64, runs = 0;
    double *times = malloc(capacity * sizeof *times);
    const void *result = NULL;
    double spent = 0;
    for (long run = -1;; ++run) { /* run -1 is the warm-up */
        if (run >= o.min_runs && (spent >= o.budget || run >= MAX_RUNS))
            break;
        memcpy(a, initial.data, bytes);
        double start = now();
        if (initial.elsize == 8)
            result = evolve_f64(a, b, ghost, rows, cols, o.iterations, k, o.boundary, o.value);
        else
            result = evolve_f32(a, b, ghost, rows, cols, o.iterations, (float)k, o.boundary,
                                (float)o.value);
        double elapsed = now() - start;
        if (run < 0)
            continue;
        if (runs == capacity) {
            capacity *= 2;
            times = realloc(times, capacity * sizeof *times);
            if (!times)
                fail(1, "out of memory");
        }
        times[runs++] = elapsed;
        spent += elapsed;
    }
    write_npy(o.output, result, initial.elsize, rows, cols);

    double *sorted = malloc(runs * sizeof *sorted);
    memcpy(sorted, times, runs * sizeof *sorted);
    qsort(sorted, runs, sizeof *sorted, by_value);
    double median = runs % 2 ? sorted[runs / 2]
                             : 0.5 * (sorted[runs / 2 - 1] + sorted[runs / 2]);

    char version[256];
#if defined(__clang__)
    snprintf(version, sizeof version, "clang %d.%d.%d", __clang_major__, __clang_minor__,
             __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(version, sizeof version, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__,
             __GNUC_PATCHLEVEL__);
#else
    snprintf(version, sizeof version, "C compiler %ld", (long)__STDC_VERSION__);
#endif
    if (DIFFUSE_CFLAGS[0]) {
        size_t used = strlen(version);
        snprintf(version + used, sizeof version - used, " %s", DIFFUSE_CFLAGS);
    }

    printf("{\"peer\": \"%s\", \"times_s\": [", PEER_NAME);
    for (size_t i = 0; i < runs; ++i)
        printf("%s%.9g", i ? ", " : "", times[i]);
    printf("], \"best_s\": %.9g, \"median_s\": %.9g, \"runs\": %zu, \"threads\": %d, "
           "\"version\": ",
           sorted[0], median, runs, threads);
    print_json_string(version);
    printf("}\n");
    return 0;
}
