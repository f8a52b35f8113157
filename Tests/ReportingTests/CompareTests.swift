import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// `compare`: identical results show no change; a deliberately worse variant regresses
/// exactly where it should; results that cannot pair are refused, saying why.
@Suite("Compare")
struct CompareTests {
    static let scenario = try! String(contentsOf: GoldenTests.fixtures.appendingPathComponent("small-team.yaml"), encoding: .utf8)
    static let suite = try! String(contentsOf: GoldenTests.fixtures.appendingPathComponent("small.yaml"), encoding: .utf8)

    /// The small suite run from a fresh folder, with `edit` applied to its scenario first.
    static func results(scenario edit: (String) -> String = { $0 }, seed: UInt64? = nil,
                        replications: Int? = nil) throws -> ResultSet {
        let dir = try TestFolders.make(["small.yaml": suite, "small-team.yaml": edit(scenario)])
        let loaded = try SuiteLoader.load(path: dir + "/small.yaml", replications: replications, seed: seed)
        return try Pipeline.run(loaded, options: Manifest.Options(seed: loaded.seed, replications: replications),
                                directory: dir, jobs: 2).results
    }

    static func compare(_ a: ResultSet, _ b: ResultSet, _ options: ResultsComparison.Options = .init()) throws
        -> ResultsComparison {
        try ResultsComparison(baseline: a, current: b, baselineName: "base", currentName: "pr", options: options)
    }

    static func row(_ c: ResultsComparison, strategy: String, metric: String, point: String = "workload.arrivals.rate=2")
        -> ResultsComparison.Row? {
        c.rows.first { $0.strategy == strategy && $0.metric.name == metric && $0.point == point }
    }

    @Test("identical results: every judged row unchanged, nothing to show, p = 1")
    func identical() throws {
        let a = try Self.results(), b = try Self.results()
        let c = try Self.compare(a, b)
        #expect(c.regressed == 0 && c.improved == 0)
        #expect(c.rows.count == 2 * 5 * 13, "2 grid points × 5 strategies × 13 metrics")
        #expect(c.rows.allSatisfy { $0.verdict == .unchanged || $0.verdict == .descriptive || $0.verdict == .undefined })
        #expect(c.rows.allSatisfy { $0.paired })
        #expect(c.rows.filter { $0.verdict == .unchanged }.allSatisfy { $0.p == 1 && $0.test.difference == 0 })
        #expect(c.changes.isEmpty)
        #expect(c.markdown().contains("No metric changed beyond noise and threshold."))
        #expect(c.summaryLine.hasPrefix("0 regressed, 0 improved, "))
    }

    @Test("a generalist ten times dearer: total cost regresses; strategies that ignore cost keep their success rate exactly")
    func worseVariant() throws {
        // 20 replications: with the suite's 4, the cost changes are too noisy to survive Holm over 120 rows.
        let base = try Self.results(replications: 20)
        let dearer = try Self.results(scenario: { $0.replacingOccurrences(of: "    cost: 4\n", with: "    cost: 40\n") },
                                      replications: 20)
        let c = try Self.compare(base, dearer)
        #expect(c.regressed > 0)
        for strategy in ["round-robin", "least-loaded"] {
            let cost = try #require(Self.row(c, strategy: strategy, metric: "total-cost"))
            #expect(cost.verdict == .regressed, "\(strategy): \(cost.test.relativeChange)")
            #expect(cost.test.relativeChange > 0.5)
            #expect(cost.adjustedP < 0.05 && cost.paired)
            let success = try #require(Self.row(c, strategy: strategy, metric: "success-rate"))
            #expect(success.test.difference == 0 && success.verdict == .unchanged)
        }
        #expect(c.changes.count == 1 && c.changes[0].hasPrefix("scenario small-team.yaml: SHA-256 "))
        let text = c.markdown()
        #expect(text.contains("| small-team | workload.arrivals.rate=2 | round-robin | total-cost ↓ |"))
        #expect(text.contains("❌ regressed"))
        // The same change seen the other way round is an improvement.
        let back = try Self.compare(dearer, base)
        #expect(back.regressed == 0 && back.improved > 0)
        #expect(Self.row(back, strategy: "round-robin", metric: "total-cost")?.verdict == .improved)
        // A threshold larger than the change leaves it unchanged.
        var lenient = ResultsComparison.Options()
        lenient.metricThresholds["total-cost"] = .relative(100)
        #expect(Self.row(try Self.compare(base, dearer, lenient), strategy: "round-robin", metric: "total-cost")?.verdict
                == .unchanged)
    }

    @Test("different base seeds pair no run: refused with both seeds named, unless unmatched runs are allowed")
    func differentSeeds() throws {
        let a = try Self.results(), b = try Self.results(seed: 8)
        #expect {
            try Self.compare(a, b)
        } throws: { error in
            "\(error)".contains("the base seeds differ (7 in base, 8 in pr)")
        }
        var options = ResultsComparison.Options()
        options.allowUnmatched = true
        let c = try Self.compare(a, b, options)
        #expect(c.pairedRuns == 0 && c.rows.allSatisfy { !$0.paired })
        #expect(c.changes.contains("options: seed 7 → seed 8"))
    }

    @Test("runs on one side only are refused, naming the first; allowed, those cells are unpaired")
    func unmatched() throws {
        let a = try Self.results(), b = try Self.results(replications: 3)
        #expect {
            try Self.compare(a, b)
        } throws: { error in
            "\(error)".hasPrefix("10 runs only in base (in small-team [workload.arrivals.rate=1] round-robin;")
        }
        var options = ResultsComparison.Options()
        options.allowUnmatched = true
        let c = try Self.compare(a, b, options)
        #expect(c.pairedRuns == 30 && c.rows.allSatisfy { !$0.paired })
    }

    @Test("thresholds: relative with %, absolute without; negative or malformed values are refused",
          arguments: [("2%", ResultsComparison.Threshold.relative(0.02)), ("0.01", .absolute(0.01)), (" 5 % ", .relative(0.05)),
                      ("0", .absolute(0))])
    func thresholds(text: String, expected: ResultsComparison.Threshold) {
        #expect(ResultsComparison.Threshold(text) == expected)
    }

    @Test("malformed thresholds", arguments: ["-1", "abc", "%", "1e400", "nan", "-2%"])
    func badThresholds(text: String) {
        #expect(ResultsComparison.Threshold(text) == nil)
    }

    @Test("filters: --strategies and --metrics keep only those rows")
    func filters() throws {
        let a = try Self.results()
        var options = ResultsComparison.Options()
        options.strategies = ["round-robin"]
        options.metrics = ["success-rate", "division-of-labour:makespan"]
        let c = try Self.compare(a, a, options)
        #expect(c.rows.count == 2 * 2)
        #expect(Set(c.rows.map(\.metric.name)) == ["success-rate", "makespan"])
    }
}
