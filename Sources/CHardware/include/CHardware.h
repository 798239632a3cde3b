// CHardware: the two machine facts Swift cannot learn by itself.
//
// `CPU_COUNT` is a macro over `cpu_set_t`, and Swift has no way to ask which
// vector instructions the compiler targets; a C file compiled with the same
// native flag as the Swift kernels (`-march=native` under the `NativeCPU`
// trait, see Package.swift) can.
#ifndef CHARDWARE_H
#define CHARDWARE_H

/// Logical CPUs this process may run on (sched_getaffinity: what taskset,
/// cpusets and container limits leave), a negative errno on failure, or 0
/// where the platform has no affinity call (not Linux).
int chw_available_cpu_count(void);

/// The widest vector register, in bytes, that this build targets: 64 with
/// AVX-512F, 32 with AVX, 16 with SSE2 or NEON, 0 when none is known.
int chw_vector_bytes(void);

#endif
