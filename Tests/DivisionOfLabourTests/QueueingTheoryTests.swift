import DivisionOfLabour
import SimulationKernel
import Statistics
import Testing

/// The division-of-labour model against queueing theory: with identical agents, Poisson
/// arrivals, exponential work and least-loaded (a central FIFO queue) it is M/M/c.
@Suite("Queueing theory")
struct QueueingTheoryTests {
    /// Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ.
    static func erlangC(servers c: Int, load a: Double) -> Double {
        var term = 1.0, sum = 1.0
        for k in 1..<c {
            term *= a / Double(k)
            sum += term
        }
        let top = term * a / Double(c) * Double(c) / (Double(c) - a)
        return top / (sum + top)
    }

    @Test("Erlang C's formula itself, against a textbook value")
    func erlangCValue() {
        // M/M/4 at a = 3: P(wait) = 0.5094 (Kleinrock's tables; 27/53 exactly).
        #expect(abs(Self.erlangC(servers: 4, load: 3) - 27.0 / 53.0) < 1e-12)
    }

    /// 30 replications of 20,000 customers each. The analytic mean wait must lie inside the
    /// 99 % t-interval of the replications' means. The empty start biases each run's mean
    /// down by well under 1 % of the interval's width at these loads (relaxation times of
    /// tens of time units against runs of thousands), so the test would fail only with the
    /// interval's own 1 % chance — and it uses fixed seeds, so it is repeatable.
    @Test("least-loaded reproduces the Erlang C mean wait", arguments: [(4, 3.0), (2, 1.0), (1, 0.5)])
    func erlangCWait(servers: Int, rate: Double) {
        let scenario = Fixtures.identicalTeam(
            agents: servers, arrivals: .poisson(rate: rate, count: 20_000, until: nil), size: .exponential(mean: 1))
        var waits: [Double] = []
        var sojourns: [Double] = []
        for r in 0..<30 {
            let m = Fixtures.run(scenario, .leastLoaded, replication: r)
            waits.append(m["mean-queue-wait"]!)
            sojourns.append(m["mean-sojourn"]!)
            #expect(m["success-rate"] == 1)
        }
        let wq = Self.erlangC(servers: servers, load: rate) / (Double(servers) - rate)
        let wait = Summary(waits, confidence: 0.99)
        #expect(wait.lower <= wq && wq <= wait.upper, "Wq = \(wq), interval \(wait.lower)…\(wait.upper)")
        let sojourn = Summary(sojourns, confidence: 0.99)
        #expect(sojourn.lower <= wq + 1 && wq + 1 <= sojourn.upper, "W = \(wq + 1)")
    }

    @Test("utilisation equals the offered load per agent")
    func utilisation() {
        let scenario = Fixtures.identicalTeam(
            agents: 4, arrivals: .poisson(rate: 3, count: 20_000, until: nil), size: .exponential(mean: 1))
        let values = (0..<20).map { Fixtures.run(scenario, .leastLoaded, replication: $0)["utilisation"]! }
        let summary = Summary(values, confidence: 0.99)
        #expect(summary.lower <= 0.75 && 0.75 <= summary.upper)
    }

    @Test("a push strategy cannot beat the central queue on waiting (same workloads)")
    func pushVersusCentral() {
        let scenario = Fixtures.identicalTeam(
            agents: 4, arrivals: .poisson(rate: 3, count: 5000, until: nil), size: .exponential(mean: 1))
        for r in 0..<5 {
            let central = Fixtures.run(scenario, .leastLoaded, replication: r)["mean-queue-wait"]!
            let random = Fixtures.run(scenario, .random, replication: r)["mean-queue-wait"]!
            // M/M/1 ×4 with random splitting waits 3 time units on average, against 0.51.
            #expect(random > 2 * central)
        }
    }
}
