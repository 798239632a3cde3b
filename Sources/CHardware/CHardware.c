// See CHardware.h. Compiled with `-march=native` when the package's NativeCPU
// trait is on (Linux), so the feature macros below describe the same target
// as the Swift kernels' `-target-cpu native`.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CHardware.h"

#ifdef __linux__
#include <errno.h>
#include <sched.h>
#endif

int chw_available_cpu_count(void) {
#ifdef __linux__
    // Start at the kernel's usual mask size and grow: sched_getaffinity fails
    // with EINVAL when the mask is smaller than the kernel's cpumask.
    for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
        cpu_set_t *set = CPU_ALLOC(cpus);
        if (set == NULL) return -ENOMEM;
        size_t size = CPU_ALLOC_SIZE(cpus);
        CPU_ZERO_S(size, set);
        if (sched_getaffinity(0, size, set) == 0) {
            int count = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            return count;
        }
        int error = errno;
        CPU_FREE(set);
        if (error != EINVAL) return -error;
    }
    return -EINVAL;
#else
    return 0;
#endif
}

int chw_vector_bytes(void) {
#if defined(__AVX512F__)
    return 64;
#elif defined(__AVX__)
    return 32;
#elif defined(__SSE2__) || defined(__ARM_NEON) || defined(__ARM_NEON__)
    return 16;
#else
    return 0;
#endif
}
