// A hand-written FCFS M/M/c queue on std::priority_queue: the C++ twin of coordbench's
// division-of-labour family under least-loaded on identical agents (the scenario
// scenarios/division-of-labour/mmc-team.yaml with 10 agents and rate 9), for
// scripts/bench-mmc.sh, which scripts/bench-scale.sh runs.
//
// Poisson arrivals at RATE, exponential work of mean SERVICE, SERVERS identical servers, one
// FIFO line, TASKS tasks; two events per task (arrival, departure) on a binary heap ordered
// by (time, sequence), like coordbench's kernel. Draws come from GSL's mt19937, seeded as
// coordbench seeds its streams (FNV-1a 64 of "IDENTITY\x1fPURPOSE", SplitMix64's finaliser,
// low 32 bits): given the workload identity a `coordbench simulate` run prints (its `run`
// line without `|strategy=…`), the interarrival times come from the stream "arrivals" and the
// work from "sizes", in the same order, so every wait — and the mean wait — is the same
// double as coordbench's `mean-queue-wait` (which server starts a task does not change any
// wait when servers are identical). Without an identity, seeds 1 and 2.
//
//   g++ -O2 -o mmc_model mmc_model.cpp -lgsl -lgslcblas -lm
//   ./mmc_model RATE SERVERS TASKS [IDENTITY [SERVICE]]
//   → "events E cpu_seconds S mean_wait W half_width H batches B"
//
// cpu_seconds is the process's CPU time (CLOCK_PROCESS_CPUTIME_ID) at the end: start-up,
// draws, the run, everything. half_width is the 99 % t-interval's half-width of the mean wait
// by batch means (B batches of consecutive tasks in start order, each far longer than the
// queue's relaxation time at the loads used), the tolerance against Erlang C.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <queue>
#include <string>
#include <vector>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

namespace {

// coordbench's StableHash.hash: FNV-1a 64 over the UTF-8 bytes, then SplitMix64's finaliser.
uint64_t stable_hash(const std::string &text) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x00000100000001b3ULL;
    }
    uint64_t z = h + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// coordbench's RandomStream.seed(identity:purpose:).
unsigned long stream_seed(const std::string &identity, const char *purpose) {
    return (unsigned long)(stable_hash(identity + "\x1f" + purpose) & 0xffffffffULL);
}

struct Event {
    double time;
    uint64_t sequence;
    int32_t server;  // -1: an arrival
};

struct Later {
    bool operator()(const Event &a, const Event &b) const {
        return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
    }
};

struct Waiting {
    double arrival;
    double work;
};

}  // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: mmc_model RATE SERVERS TASKS [IDENTITY [SERVICE]]\n");
        return 2;
    }
    const double rate = std::strtod(argv[1], nullptr);
    const int servers = std::atoi(argv[2]);
    const long tasks = std::atol(argv[3]);
    const bool identified = argc > 4;
    const std::string identity = identified ? argv[4] : "";
    const double service = argc > 5 ? std::strtod(argv[5], nullptr) : 1.0;
    if (!(rate > 0) || servers < 1 || tasks < 1 || !(service > 0)) {
        std::fprintf(stderr, "mmc_model: RATE, SERVERS, TASKS and SERVICE must be positive\n");
        return 2;
    }

    gsl_rng *arrivals = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *sizes = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(arrivals, identified ? stream_seed(identity, "arrivals") : 1);
    gsl_rng_set(sizes, identified ? stream_seed(identity, "sizes") : 2);

    std::vector<Event> storage;
    storage.reserve(servers + 2);
    std::priority_queue<Event, std::vector<Event>, Later> events(Later(), std::move(storage));
    uint64_t sequence = 0;
    std::vector<int32_t> idle;  // idle servers, a stack
    for (int s = servers - 1; s >= 0; --s) idle.push_back(s);
    // The FIFO line: a ring buffer that doubles when full.
    std::vector<Waiting> line(1024);
    size_t head = 0, waiting = 0;

    // The next task, drawn when the previous one arrives (as coordbench draws it).
    long drawn = 0;
    double clock = 0, next_arrival = 0, next_work = 0;
    auto draw = [&]() {
        next_arrival += gsl_ran_exponential(arrivals, 1 / rate);
        next_work = gsl_ran_exponential(sizes, service);
        ++drawn;
    };
    draw();
    double current_work = 0;
    events.push({next_arrival, sequence++, -1});

    const long batches = tasks >= 20 ? 20 : 1;
    const long batch_size = tasks / batches;
    std::vector<double> batch_sum(batches, 0.0);
    double wait_sum = 0;
    long starts = 0, processed = 0;
    auto start = [&](int32_t server, double arrival, double work) {
        const double wait = clock - arrival;
        wait_sum += wait;
        long b = starts / batch_size;
        if (b >= batches) b = batches - 1;
        batch_sum[b] += wait;
        ++starts;
        events.push({clock + work, sequence++, server});
    };

    while (!events.empty()) {
        const Event e = events.top();
        events.pop();
        clock = e.time;
        ++processed;
        if (e.server < 0) {
            const double arrival = next_arrival;
            current_work = next_work;
            if (drawn < tasks) {
                draw();
                events.push({next_arrival, sequence++, -1});
            }
            if (!idle.empty()) {
                const int32_t s = idle.back();
                idle.pop_back();
                start(s, arrival, current_work);
            } else {
                if (waiting == line.size()) {
                    std::vector<Waiting> bigger(2 * line.size());
                    for (size_t i = 0; i < waiting; ++i) bigger[i] = line[(head + i) % line.size()];
                    line.swap(bigger);
                    head = 0;
                }
                line[(head + waiting) % line.size()] = {arrival, current_work};
                ++waiting;
            }
        } else if (waiting > 0) {
            const Waiting w = line[head];
            head = (head + 1) % line.size();
            --waiting;
            start(e.server, w.arrival, w.work);
        } else {
            idle.push_back(e.server);
        }
    }

    timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    const double seconds = cpu.tv_sec + cpu.tv_nsec * 1e-9;
    const double mean_wait = wait_sum / starts;
    double half_width = NAN;
    if (batches > 1) {
        double mean = 0, squares = 0;
        for (long b = 0; b < batches; ++b) {
            const long n = b == batches - 1 ? starts - b * batch_size : batch_size;
            batch_sum[b] /= n;
            mean += batch_sum[b];
        }
        mean /= batches;
        for (long b = 0; b < batches; ++b) squares += (batch_sum[b] - mean) * (batch_sum[b] - mean);
        const double sd = std::sqrt(squares / (batches - 1));
        half_width = gsl_cdf_tdist_Pinv(0.995, batches - 1) * sd / std::sqrt((double)batches);
    }
    std::printf("events %ld cpu_seconds %.6f mean_wait %.17g half_width %.6g batches %ld\n", processed, seconds,
                mean_wait, half_width, batches);
    gsl_rng_free(arrivals);
    gsl_rng_free(sizes);
    return 0;
}
