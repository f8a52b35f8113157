import ArgumentParser
import Experiments
import Foundation
import Reporting

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results folders metric by metric; exit 1 when the current one regressed.",
        discussion: """
            Runs are matched by identity and compared run by run (paired): every strategy of a replication \
            faces the same workload, so differences are measured without the workload's noise. A row is \
            regressed or improved only when its p-value, Holm-corrected across all judged rows, is below \
            --alpha and the change exceeds its threshold. Exit codes: 0 no regression, 1 a regression, \
            2 bad input or usage, 3 the two folders cannot be compared.
            """)

    @Argument(help: "The baseline results folder (written by `coordbench run`).", completion: Completion.folder)
    var baseline: String

    @Argument(help: "The current results folder.", completion: Completion.folder)
    var current: String

    @Option(name: .customLong("threshold"), parsing: .singleValue,
            help: ArgumentHelp("A change smaller than this is no change: `2%` (relative to the baseline mean) or "
                               + "`0.01` (absolute), for every metric; `METRIC=2%` or `FAMILY:METRIC=0.01` for one "
                               + "metric. Repeatable. Default 2%.", valueName: "THRESHOLD"))
    var thresholds: [String] = []

    @Option(name: .customLong("thresholds"), help: ArgumentHelp(
        "A YAML file of thresholds: `threshold: 2%` and `metrics: {success-rate: 0.01, cost-per-task: 5%}` "
        + "(options given on the command line win).", valueName: "FILE"), completion: Completion.yaml)
    var thresholdsFile: String?

    @Option(help: "Family-wise error rate of the Holm-corrected tests.")
    var alpha: Double = 0.05

    @Option(help: ArgumentHelp("The paired test: t (Student's t on the differences) or wilcoxon (signed-rank). "
                               + "0/1 metrics always use McNemar's exact test.", valueName: "TEST"))
    var test: String = "t"

    @Option(parsing: .upToNextOption, help: "Only these metrics (names or FAMILY:METRIC).")
    var metrics: [String] = []

    @Option(parsing: .upToNextOption, help: "Only these strategies (labels).")
    var strategies: [String] = []

    @Flag(help: "Show every row, not only the regressed and improved ones.")
    var all = false

    @Flag(help: "Compare even when runs are on one side only or no run pairs up (such cells are compared unpaired).")
    var allowUnmatched = false

    @Option(help: ArgumentHelp("Also write every row as JSON to FILE.", valueName: "FILE"))
    var json: String?

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, got \(alpha)") }
        guard ResultsComparison.Test(rawValue: test) != nil else {
            throw ValidationError("--test must be one of: " + ResultsComparison.Test.allCases.map(\.rawValue).joined(separator: ", "))
        }
        for text in thresholds { _ = try Self.parse(threshold: text) }
    }

    /// `2%`, `0.01`, `METRIC=2%` or `FAMILY:METRIC=0.01`.
    static func parse(threshold text: String) throws -> (metric: String?, threshold: ResultsComparison.Threshold) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let value = parts.count == 2 ? parts[1] : text
        guard let threshold = ResultsComparison.Threshold(value), parts.count == 1 || !parts[0].isEmpty else {
            throw ValidationError("--threshold must be like 2% (relative), 0.01 (absolute) or METRIC=5%, got '\(text)'")
        }
        return (parts.count == 2 ? parts[0] : nil, threshold)
    }

    func run() throws { try Terminal.exitingOnFailure(compare) }

    func compare() throws {
        var options = ResultsComparison.Options()
        options.alpha = alpha
        options.test = ResultsComparison.Test(rawValue: test)!
        options.allowUnmatched = allowUnmatched
        if !metrics.isEmpty { options.metrics = Set(metrics) }
        if !strategies.isEmpty { options.strategies = Set(strategies) }
        if let thresholdsFile {
            let read = try ThresholdsFile.read(path: thresholdsFile, isValid: { ResultsComparison.Threshold($0) != nil })
            if let all = read.all { options.threshold = ResultsComparison.Threshold(all)! }
            for (name, text) in read.metrics { options.metricThresholds[name] = ResultsComparison.Threshold(text)! }
        }
        for text in thresholds {
            let (metric, threshold) = try Self.parse(threshold: text)
            if let metric { options.metricThresholds[metric] = threshold } else { options.threshold = threshold }
        }
        let sides: [ResultSet]
        do {
            sides = try [ResultSet.load(baseline), ResultSet.load(current)]
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let known = Set(sides.flatMap { side in side.manifest.content.families.flatMap { f in f.metrics.flatMap { [$0.name, f.name + ":" + $0.name] } } })
        let unknown = (metrics + options.metricThresholds.keys.sorted()).filter { !known.contains($0) }
        if let first = unknown.first {
            Terminal.printError("error: " + unknownMessage("metric", first, known: known.filter { !$0.contains(":") }.sorted())
                                + " (in neither results folder)")
            throw ExitCode(ExitStatus.badInput)
        }
        let labels = Set(sides.flatMap { $0.runs.map(\.strategy) })
        if let first = strategies.first(where: { !labels.contains($0) }) {
            Terminal.printError("error: " + unknownMessage("strategy", first, known: labels.sorted())
                                + " (in neither results folder)")
            throw ExitCode(ExitStatus.badInput)
        }
        let comparison: ResultsComparison
        do {
            comparison = try ResultsComparison(baseline: sides[0], current: sides[1], baselineName: baseline,
                                               currentName: current, options: options)
        } catch {
            Terminal.printError("error: cannot compare: \(error)")
            throw ExitCode(ExitStatus.incomparable)
        }
        if let json { try SafeFile.writeAtomically(try comparison.json(), to: json) }
        print(comparison.markdown(all: all), terminator: "")
        if comparison.regressed > 0 { throw ExitCode(ExitStatus.regression) }
    }
}
