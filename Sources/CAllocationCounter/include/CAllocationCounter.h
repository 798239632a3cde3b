// CAllocationCounter: an opt-in malloc interposer for PerfKit.
//
// Linking this target into an executable replaces malloc, calloc, realloc,
// reallocarray, free, posix_memalign, aligned_alloc, memalign, valloc and
// pvalloc for the whole process with thin wrappers that forward to glibc's
// __libc_* implementations and, only while at least one measurement is
// active, count calls and requested bytes with relaxed atomics (process-wide)
// and plain thread-local counters (per thread).
//
// PerfKit finds these functions at run time; nothing needs to call them
// directly. On platforms other than glibc Linux the target compiles to
// nothing and PerfKit reports that allocation counting is unavailable.
#ifndef CALLOCATIONCOUNTER_H
#define CALLOCATIONCOUNTER_H

#include <stdint.h>

/// Starts counting (nestable: counting stays on until every begin has ended).
/// Returns the number of active measurements after this one started.
uint64_t perfkit_allocation_counting_begin(void);

/// Ends one `perfkit_allocation_counting_begin`.
void perfkit_allocation_counting_end(void);

/// Writes cumulative counts {allocations, deallocations, reallocations,
/// bytes_allocated} into `out[0...3]`: for the whole process when `thread`
/// is 0, for the calling thread otherwise.
void perfkit_allocation_counts_read(int thread, uint64_t *out);

#endif /* CALLOCATIONCOUNTER_H */
