/*
 * The C peer of the affinity benchmark: what the library's calls cost with nothing but libc.
 *
 *   affinity_peer set|get CALLS
 *
 * First restricts the calling thread to the first CPU it may use: the cost of these calls differs
 * from CPU to CPU in a VM, and the Java benchmarks do the same. Then times CALLS calls of
 * sched_setaffinity (setting that one-CPU mask again, so the run changes nothing) or
 * sched_getaffinity on the calling thread, after as many untimed calls to warm up, and prints the
 * mean cost of one call in nanoseconds. The mask is sized like the library's, from the possible
 * CPUs; errno is read after every call, as the library does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Calls the function CALLS times; returns the first errno seen, or 0. */
static int run(int set, pid_t tid, size_t size, cpu_set_t *mask, long calls) {
    for (long i = 0; i < calls; i++) {
        int rc = set ? sched_setaffinity(tid, size, mask) : sched_getaffinity(tid, size, mask);
        if (rc != 0) {
            return errno;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "get") != 0) || atol(argv[2]) <= 0) {
        fprintf(stderr, "usage: %s set|get CALLS\n", argv[0]);
        return 2;
    }
    int set = strcmp(argv[1], "set") == 0;
    long calls = atol(argv[2]);

    long possible = sysconf(_SC_NPROCESSORS_CONF);
    cpu_set_t *mask = CPU_ALLOC(possible);
    size_t size = CPU_ALLOC_SIZE(possible);
    pid_t tid = gettid();
    if (mask == NULL || sched_getaffinity(tid, size, mask) != 0) {
        perror("sched_getaffinity");
        return 1;
    }
    long first = 0;
    while (first < possible && !CPU_ISSET_S(first, size, mask)) {
        first++;
    }
    CPU_ZERO_S(size, mask);
    CPU_SET_S(first, size, mask);
    if (sched_setaffinity(tid, size, mask) != 0) {
        perror("sched_setaffinity");
        return 1;
    }

    int err = run(set, tid, size, mask, calls); /* warm-up: caches, branch predictors, CPU frequency */
    double start = now_ns();
    if (err == 0) {
        err = run(set, tid, size, mask, calls);
    }
    double elapsed = now_ns() - start;
    if (err != 0) {
        fprintf(stderr, "sched_%saffinity: %s\n", argv[1], strerror(err));
        return 1;
    }
    printf("%.1f\n", elapsed / calls);
    CPU_FREE(mask);
    return 0;
}
