// CPerfEvent: the few C calls PerfKit needs and Swift cannot make itself.
//
// `syscall` and `ioctl` are variadic and
// `perf_event_attr` is full of bitfields, so each gets a small, non-variadic
// wrapper here. Every wrapper returns a negative errno on failure instead of
// touching the thread's `errno`, so the Swift side can build an `Errno`
// without a race against later calls.
#ifndef CPERFEVENT_H
#define CPERFEVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __linux__
#include <errno.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Opens one perf event (see perf_event_open(2)). Returns the new file
/// descriptor (close-on-exec) or a negative errno.
///
/// The caller picks `read_format` (PERF_FORMAT_* bits); `disabled` is set for
/// group leaders so a group starts counting only when enabled as a whole.
static inline int cperf_event_open(uint32_t type, uint64_t config,
                                   bool disabled, bool inherit,
                                   bool exclude_kernel, bool exclude_hv,
                                   uint64_t read_format,
                                   pid_t pid, int cpu, int group_fd) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = type;
    attr.config = config;
    attr.read_format = read_format;
    attr.disabled = disabled ? 1 : 0;
    attr.inherit = inherit ? 1 : 0;
    attr.exclude_kernel = exclude_kernel ? 1 : 0;
    attr.exclude_hv = exclude_hv ? 1 : 0;
    long fd = syscall(__NR_perf_event_open, &attr, pid, cpu, group_fd,
                      (unsigned long)PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

/// PERF_EVENT_IOC_ENABLE; with `whole_group` on a leader, for every member.
static inline int cperf_event_enable(int fd, bool whole_group) {
    return ioctl(fd, PERF_EVENT_IOC_ENABLE, whole_group ? PERF_IOC_FLAG_GROUP : 0) < 0 ? -errno : 0;
}

/// PERF_EVENT_IOC_DISABLE; with `whole_group` on a leader, for every member.
static inline int cperf_event_disable(int fd, bool whole_group) {
    return ioctl(fd, PERF_EVENT_IOC_DISABLE, whole_group ? PERF_IOC_FLAG_GROUP : 0) < 0 ? -errno : 0;
}

/// PERF_EVENT_IOC_RESET; with `whole_group` on a leader, for every member.
static inline int cperf_event_reset(int fd, bool whole_group) {
    return ioctl(fd, PERF_EVENT_IOC_RESET, whole_group ? PERF_IOC_FLAG_GROUP : 0) < 0 ? -errno : 0;
}

/// getrusage for the process (RUSAGE_SELF) or the calling thread
/// (RUSAGE_THREAD, which glibc hides without _GNU_SOURCE). 0 or -errno.
static inline int cperf_getrusage(bool thread, struct rusage *usage) {
    return getrusage(thread ? 1 /* RUSAGE_THREAD */ : RUSAGE_SELF, usage) < 0 ? -errno : 0;
}

/// The kernel thread id of the calling thread.
static inline pid_t cperf_gettid(void) {
    return (pid_t)syscall(SYS_gettid);
}
#endif /* __linux__ */

// MARK: Allocation counting, found at run time.
//
// The counter itself lives in the optional CAllocationCounter target. These
// functions find it (a weak reference, then dlsym) and report that it is
// absent rather than failing to link.

/// Counts from the allocation counter; see CAllocationCounter.h.
typedef struct cperf_allocation_counts {
    uint64_t allocations;
    uint64_t deallocations;
    uint64_t reallocations;
    uint64_t bytes_allocated;
} cperf_allocation_counts;

/// True when an allocation counter is linked into (or preloaded in) this process.
bool cperf_allocation_counter_available(void);
/// Starts counting (nestable); false when no counter is present.
bool cperf_allocation_counting_begin(void);
/// Ends one `begin`.
void cperf_allocation_counting_end(void);
/// Cumulative counts for the whole process (`thread` false) or the calling thread.
bool cperf_allocation_counts_read(bool thread, cperf_allocation_counts *out);

#endif /* CPERFEVENT_H */
