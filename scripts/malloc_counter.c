// LD_PRELOAD library that counts malloc calls and prints the count at exit.
// Used by scripts/check-allocations.sh to show that the event loop allocates nothing
// per event: the count must not grow with the number of events.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_long count;
static void *(*real_malloc)(size_t);

void *malloc(size_t size) {
    if (!real_malloc) real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    atomic_fetch_add(&count, 1);
    return real_malloc(size);
}

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "mallocs: %ld\n", atomic_load(&count));
}
