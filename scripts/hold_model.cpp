// The hold model on std::priority_queue, the reference for `coordbench bench`.
// N pending events; each step pops the earliest and schedules one at now + Exp(1).
// Entries are (time, sequence) like the Swift kernel's, so ties are FIFO in both;
// delays come from the same GSL generator (mt19937) and gsl_ran_exponential.
//
//   g++ -O2 -o hold_model hold_model.cpp -lgsl -lgslcblas -lm
//   ./hold_model PENDING EVENTS        → prints "events_per_second checksum"
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <vector>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

struct Entry {
    double time;
    uint64_t sequence;
    uint32_t payload;
};

struct Later {
    bool operator()(const Entry &a, const Entry &b) const {
        return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
    }
};

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: hold_model PENDING EVENTS\n");
        return 2;
    }
    const long pending = std::atol(argv[1]);
    const long events = std::atol(argv[2]);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);

    std::vector<Entry> storage;
    storage.reserve(pending + 1);
    std::priority_queue<Entry, std::vector<Entry>, Later> queue(Later(), std::move(storage));
    uint64_t sequence = 0;
    for (long i = 0; i < pending; ++i) queue.push({gsl_ran_exponential(rng, 1.0), sequence++, (uint32_t)i});

    double checksum = 0;
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < events; ++i) {
        Entry top = queue.top();
        queue.pop();
        checksum += top.time;
        queue.push({top.time + gsl_ran_exponential(rng, 1.0), sequence++, top.payload});
    }
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.0f %.6f\n", events / seconds, checksum);
    gsl_rng_free(rng);
    return 0;
}
