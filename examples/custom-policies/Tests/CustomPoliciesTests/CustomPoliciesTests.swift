import Foundation
import Testing
import CustomPolicies

/// The package's policies run through coordbench's own pipeline, as its executable runs them.
@Suite struct CustomPoliciesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let suitePath = root.appendingPathComponent("suite.yaml").path

    static func runSuite(jobs: Int) throws -> Pipeline.Output {
        let suite = try SuiteLoader.load(path: suitePath, registry: try CustomPolicies.registry())
        return try Pipeline.run(suite, jobs: jobs)
    }

    /// The suite's runs, shared by the tests below (computed once).
    static let output = Result { try runSuite(jobs: 2) }

    /// runs.csv as rows of cells (names and numbers here never need quoting).
    static func table(_ csv: String) -> (header: [String], rows: [[String]]) {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines[0], Array(lines.dropFirst()))
    }

    /// With cost-weight 0 the package's rule is least-loaded: every run's stop reason, event
    /// count and metric cells in runs.csv are the same bytes as the built-in's, replication by
    /// replication (the strategy's seed differs, as its name is part of the run's identity).
    @Test func costAwareRuleWithWeightZeroIsLeastLoadedByteForByte() throws {
        let (header, rows) = Self.table(try Self.output.get().files.runs)
        let strategy = header.firstIndex(of: "strategy")!, replication = header.firstIndex(of: "replication")!
        let compared = header.indices.filter { !["run", "strategy", "seed"].contains(header[$0]) }
        func cells(_ label: String) -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: rows.filter { $0[strategy] == label }.map { row in
                (row[replication], compared.map { row[$0] })
            })
        }
        let builtIn = cells("least-loaded"), custom = cells("cost-aware-w0")
        #expect(builtIn.count == 20)
        #expect(custom == builtIn)
        // A positive weight changes who gets the work: it is a different policy.
        #expect(cells("cost-aware-w2") != builtIn)
    }

    /// The review-panel family against its exact values: mean accuracy within 4.5 standard
    /// errors (binomial, over 20 × 2,000 items), mean votes per item within 4.5 standard errors
    /// of the replications' spread (exact for `single`). With 24 such checks the chance of a
    /// false alarm is below 10⁻³.
    @Test func reviewPanelAgreesWithTheory() throws {
        let records = try Self.output.get().records.filter { $0.spec.scenario.family.name == ReviewPanelFamily.name }
        #expect(records.count == 3 * 4 * 20)
        let groups = Dictionary(grouping: records) { "\($0.spec.pointLabel)|\($0.spec.strategy.label)" }
        #expect(groups.count == 12)
        for (_, runs) in groups {
            let spec = runs[0].spec
            let p = try #require(spec.point.first { $0.key == "accuracy" }.flatMap { Double($0.value) })
            let panel = ReviewPanelFamily.Scenario(reviewers: 9, accuracy: p, items: 2000)
            let strategy = try #require(ReviewPanelFamily.strategies.make(spec.strategy.name, parameters:
                Dictionary(uniqueKeysWithValues: spec.strategy.parameters.map { ($0.name, $0.value) })))
            let exact = ReviewPanelFamily.exact(panel, strategy)
            let accuracy = runs.map { $0.outcome.metrics[0] }, votes = runs.map { $0.outcome.metrics[1] }
            let n = Double(runs.count)
            let accuracyMean = accuracy.reduce(0, +) / n
            let accuracySE = (exact.accuracy * (1 - exact.accuracy) / (n * 2000)).squareRoot()
            #expect(abs(accuracyMean - exact.accuracy) <= 4.5 * accuracySE, "\(spec.strategy.label) at p = \(p)")
            let votesMean = votes.reduce(0, +) / n
            let votesSD = (votes.map { ($0 - votesMean) * ($0 - votesMean) }.reduce(0, +) / (n - 1)).squareRoot()
            #expect(abs(votesMean - exact.votesPerItem) <= max(4.5 * votesSD / n.squareRoot(), 1e-12),
                    "\(spec.strategy.label) at p = \(p)")
        }
    }

    /// The analytic values themselves, against closed forms.
    @Test func exactValuesMatchClosedForms() {
        let panel = ReviewPanelFamily.Scenario(reviewers: 3, accuracy: 0.7, items: 1)
        // Majority of three: p³ + 3p²q.
        #expect(abs(ReviewPanelFamily.exact(panel, .majority).accuracy - (0.343 + 3 * 0.49 * 0.3)) < 1e-12)
        #expect(ReviewPanelFamily.exact(panel, .single) == (0.7, 1))
        // Lead 2 with an unbounded panel is gambler's ruin: p²/(p² + q²); with three
        // reviewers, a 2–1 split after three votes is decided by majority (the same here).
        let lead2 = ReviewPanelFamily.exact(panel, .sequential(lead: 2))
        #expect(abs(lead2.accuracy - (0.49 + 2 * 0.21 * 0.7)) < 1e-12)
        #expect(abs(lead2.votesPerItem - (2 * 0.58 + 3 * 0.42)) < 1e-12)
    }

    /// The same files for any number of workers.
    @Test func resultsDoNotDependOnJobs() throws {
        let one = try Self.runSuite(jobs: 1).files, two = try Self.output.get().files
        #expect(one.runs == two.runs)
        #expect(one.summary == two.summary)
        #expect(one.report == two.report)
    }

    /// Names are checked when the registry is built: a user strategy cannot shadow a built-in.
    @Test func registryRefusesATakenName() {
        let clash = StrategyAddition(DivisionOfLabourFamily.self, [
            StrategyDeclaration("least-loaded", "a second least-loaded") { _ in .leastLoaded },
        ])
        #expect(throws: RegistryError.self) { try Registry.builtIn.adding(strategies: [clash]) }
        do {
            _ = try Registry.builtIn.adding(strategies: [clash])
        } catch {
            #expect(error.description == "family 'division-of-labour' already has a strategy named 'least-loaded'")
        }
        #expect(throws: RegistryError.self) {
            try Registry.builtIn.adding(families: [Family(ReviewPanelFamily.self), Family(ReviewPanelFamily.self)])
        }
    }
}
