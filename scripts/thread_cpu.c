// LD_PRELOAD library that prints, at exit, the CPU time of every thread the process ran: of
// each thread that ended (measured as it ended, by wrapping pthread_create's start routine)
// and of each still alive (from /proc/self/task/*/schedstat), and of the whole process
// (getrusage). Used by scripts/bench-suite.sh to measure a suite's serial share: the main
// thread reads the suite and writes the results in plan order, a finishing thread summarises
// each comparison group, and the workers run the runs.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENDED 4096
static struct { int tid; char name[16]; double cpu_ms; } ended[MAX_ENDED];
static atomic_int ended_count;

struct start { void *(*routine)(void *); void *argument; };

static void record_end(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    int i = atomic_fetch_add(&ended_count, 1);
    if (i >= MAX_ENDED) return;
    ended[i].tid = gettid();
    pthread_getname_np(pthread_self(), ended[i].name, sizeof ended[i].name);
    ended[i].cpu_ms = t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *trampoline(void *pointer) {
    struct start s = *(struct start *)pointer;
    free(pointer);
    void *result;
    pthread_cleanup_push((void (*)(void *))record_end, NULL);
    result = s.routine(s.argument);
    pthread_cleanup_pop(1);
    return result;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*routine)(void *), void *argument) {
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!real) real = dlsym(RTLD_NEXT, "pthread_create");
    struct start *s = malloc(sizeof *s);
    s->routine = routine;
    s->argument = argument;
    return real(thread, attr, trampoline, s);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("THREAD_CPU_OUT");
    FILE *out = path ? fopen(path, "w") : stderr;
    if (!out) return;
    int n = atomic_load(&ended_count);
    for (int i = 0; i < n && i < MAX_ENDED; i++)
        fprintf(out, "thread %d ended %s cpu_ms %.1f\n", ended[i].tid, ended[i].name, ended[i].cpu_ms);
    DIR *tasks = opendir("/proc/self/task");
    struct dirent *entry;
    pid_t self = getpid();
    while (tasks && (entry = readdir(tasks))) {
        if (entry->d_name[0] == '.') continue;
        char file[256], comm[64] = "?";
        unsigned long long run = 0, wait = 0, slices = 0;
        snprintf(file, sizeof file, "/proc/self/task/%s/schedstat", entry->d_name);
        FILE *f = fopen(file, "r");
        if (f) { if (fscanf(f, "%llu %llu %llu", &run, &wait, &slices) != 3) run = wait = 0; fclose(f); }
        snprintf(file, sizeof file, "/proc/self/task/%s/comm", entry->d_name);
        f = fopen(file, "r");
        if (f) { if (fgets(comm, sizeof comm, f)) comm[strcspn(comm, "\n")] = 0; fclose(f); }
        fprintf(out, "thread %s %s %s cpu_ms %.1f\n", entry->d_name, atoi(entry->d_name) == self ? "main" : "alive",
                comm, run / 1e6);
    }
    if (tasks) closedir(tasks);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    fprintf(out, "process cpu_ms %.1f\n",
            (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
    if (path) fclose(out);
}
