// Non-inline parts of the shim: the run-time lookup of the optional
// allocation counter.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CPerfEvent.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

// MARK: Allocation counter lookup

typedef uint64_t (*begin_fn)(void);
typedef void (*end_fn)(void);
typedef void (*read_fn)(int, uint64_t *);

#if defined(__linux__)
// Weak references: resolved at static link time when the executable links
// CAllocationCounter, null otherwise, so linking PerfKit alone never pulls in
// (or requires) the malloc interposer.
extern uint64_t perfkit_allocation_counting_begin(void) __attribute__((weak));
extern void perfkit_allocation_counting_end(void) __attribute__((weak));
extern void perfkit_allocation_counts_read(int, uint64_t *) __attribute__((weak));
#endif

struct counter_api {
    begin_fn begin;
    end_fn end;
    read_fn read;
};

static struct counter_api lookup(void) {
    struct counter_api api = {NULL, NULL, NULL};
#if defined(__linux__)
    if (perfkit_allocation_counting_begin && perfkit_allocation_counting_end &&
        perfkit_allocation_counts_read) {
        api.begin = perfkit_allocation_counting_begin;
        api.end = perfkit_allocation_counting_end;
        api.read = perfkit_allocation_counts_read;
        return api;
    }
#endif
    // A counter in a preloaded or dlopened library (or an executable linked
    // with --export-dynamic) is only visible through the dynamic linker.
    api.begin = (begin_fn)dlsym(RTLD_DEFAULT, "perfkit_allocation_counting_begin");
    api.end = (end_fn)dlsym(RTLD_DEFAULT, "perfkit_allocation_counting_end");
    api.read = (read_fn)dlsym(RTLD_DEFAULT, "perfkit_allocation_counts_read");
    if (!api.begin || !api.end || !api.read) {
        api.begin = NULL;
        api.end = NULL;
        api.read = NULL;
    }
    return api;
}

// The lookup result never changes during a process's life; pthread_once makes
// the one-time lookup safe when several threads ask first at the same time.
static struct counter_api found_api;
static pthread_once_t found_once = PTHREAD_ONCE_INIT;

static void find_api(void) { found_api = lookup(); }

static struct counter_api cached_api(void) {
    pthread_once(&found_once, find_api);
    return found_api;
}

bool cperf_allocation_counter_available(void) {
    return cached_api().begin != NULL;
}

bool cperf_allocation_counting_begin(void) {
    struct counter_api api = cached_api();
    if (!api.begin) return false;
    api.begin();
    return true;
}

void cperf_allocation_counting_end(void) {
    struct counter_api api = cached_api();
    if (api.end) api.end();
}

bool cperf_allocation_counts_read(bool thread, cperf_allocation_counts *out) {
    struct counter_api api = cached_api();
    if (!api.read) return false;
    uint64_t values[4] = {0, 0, 0, 0};
    api.read(thread ? 1 : 0, values);
    out->allocations = values[0];
    out->deallocations = values[1];
    out->reallocations = values[2];
    out->bytes_allocated = values[3];
    return true;
}
