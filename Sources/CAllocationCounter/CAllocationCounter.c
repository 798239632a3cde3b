// The interposer. See include/CAllocationCounter.h for what and why.
//
// Why symbol interposition and not LD_PRELOAD: an executable that defines
// malloc and friends is first in the dynamic linker's search order, so every
// library in the process (libswiftCore, Foundation, libc's own callers via
// the PLT) uses these definitions with no environment variable to set and
// nothing to forget when running under a debugger or a test runner.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
// Any C library header defines __GLIBC__ (via features.h) on glibc; test it
// only after one is included.
#include <errno.h>

#if defined(__linux__) && defined(__GLIBC__)
#include "CAllocationCounter.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

// glibc's real allocator, exported for exactly this purpose (malloc(3)).
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define VISIBLE __attribute__((visibility("default")))
#define RELAXED memory_order_relaxed

static atomic_uint_fast64_t active_measurements;
static atomic_uint_fast64_t process_allocations;
static atomic_uint_fast64_t process_deallocations;
static atomic_uint_fast64_t process_reallocations;
static atomic_uint_fast64_t process_bytes;

// initial-exec: the general-dynamic model may call __tls_get_addr, which can
// allocate on a thread's first access, and that would re-enter malloc.
#define TLS __thread __attribute__((tls_model("initial-exec")))
static TLS uint64_t thread_allocations;
static TLS uint64_t thread_deallocations;
static TLS uint64_t thread_reallocations;
static TLS uint64_t thread_bytes;

static inline int counting(void) {
    return __builtin_expect(atomic_load_explicit(&active_measurements, RELAXED) != 0, 0);
}

static inline void count_allocation(size_t bytes) {
    if (!counting()) return;
    atomic_fetch_add_explicit(&process_allocations, 1, RELAXED);
    atomic_fetch_add_explicit(&process_bytes, bytes, RELAXED);
    thread_allocations += 1;
    thread_bytes += bytes;
}

static inline void count_deallocation(void) {
    if (!counting()) return;
    atomic_fetch_add_explicit(&process_deallocations, 1, RELAXED);
    thread_deallocations += 1;
}

static inline void count_reallocation(size_t bytes) {
    if (!counting()) return;
    atomic_fetch_add_explicit(&process_reallocations, 1, RELAXED);
    atomic_fetch_add_explicit(&process_bytes, bytes, RELAXED);
    thread_reallocations += 1;
    thread_bytes += bytes;
}

VISIBLE uint64_t perfkit_allocation_counting_begin(void) {
    return atomic_fetch_add_explicit(&active_measurements, 1, memory_order_acq_rel) + 1;
}

VISIBLE void perfkit_allocation_counting_end(void) {
    uint_fast64_t current = atomic_load_explicit(&active_measurements, RELAXED);
    // Never wrap below zero, even if end is called once too often.
    while (current > 0 &&
           !atomic_compare_exchange_weak_explicit(&active_measurements, &current, current - 1,
                                                  memory_order_acq_rel, RELAXED)) {
    }
}

VISIBLE void perfkit_allocation_counts_read(int thread, uint64_t *out) {
    if (thread) {
        out[0] = thread_allocations;
        out[1] = thread_deallocations;
        out[2] = thread_reallocations;
        out[3] = thread_bytes;
    } else {
        out[0] = atomic_load_explicit(&process_allocations, RELAXED);
        out[1] = atomic_load_explicit(&process_deallocations, RELAXED);
        out[2] = atomic_load_explicit(&process_reallocations, RELAXED);
        out[3] = atomic_load_explicit(&process_bytes, RELAXED);
    }
}

// MARK: The interposed allocator

VISIBLE void *malloc(size_t size) {
    void *pointer = __libc_malloc(size);
    if (pointer) count_allocation(size);
    return pointer;
}

VISIBLE void *calloc(size_t count, size_t size) {
    void *pointer = __libc_calloc(count, size);
    // count * size cannot overflow here: calloc fails when it would.
    if (pointer) count_allocation(count * size);
    return pointer;
}

VISIBLE void *realloc(void *old, size_t size) {
    void *pointer = __libc_realloc(old, size);
    if (old == NULL) {
        if (pointer) count_allocation(size);
    } else if (size == 0) {
        // glibc frees the block and returns NULL.
        if (pointer == NULL) count_deallocation();
    } else if (pointer) {
        count_reallocation(size);
    }
    return pointer;
}

VISIBLE void *reallocarray(void *old, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, bytes);
}

VISIBLE void free(void *pointer) {
    if (pointer) count_deallocation();
    __libc_free(pointer);
}

VISIBLE void *memalign(size_t alignment, size_t size) {
    void *pointer = __libc_memalign(alignment, size);
    if (pointer) count_allocation(size);
    return pointer;
}

VISIBLE void *aligned_alloc(size_t alignment, size_t size) {
    // glibc's aligned_alloc is memalign (same address in libc.so.6).
    return memalign(alignment, size);
}

VISIBLE int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void *) != 0)
        return EINVAL;
    int saved = errno;  // posix_memalign must not change errno
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) {
        errno = saved;
        return ENOMEM;
    }
    count_allocation(size);
    *result = pointer;
    return 0;
}

VISIBLE void *valloc(size_t size) {
    void *pointer = __libc_valloc(size);
    if (pointer) count_allocation(size);
    return pointer;
}

VISIBLE void *pvalloc(size_t size) {
    void *pointer = __libc_pvalloc(size);
    if (pointer) count_allocation(size);
    return pointer;
}

#else
// Not glibc: no interposer, and no perfkit_* symbols, so PerfKit reports
// allocation counting as unavailable. (An empty translation unit is not ISO C.)
typedef int callocationcounter_unsupported_platform;
#endif
