import ArgumentParser
import Experiments
import Foundation
import SimulationKernel
import Vocabulary

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run one scenario under one strategy and print its metrics.")

    @Argument(help: "The scenario file (YAML).", completion: Completion.yaml)
    var scenario: String

    @Option(name: .shortAndLong, help: "Strategy name (see `coordbench list strategies`).")
    var strategy: String

    @Option(name: .customLong("set"), help: ArgumentHelp("A strategy parameter (repeatable).", valueName: "NAME=VALUE"))
    var parameters: [Assignment] = []

    @Option(help: "Base seed.")
    var seed: UInt64 = 1

    @Option(help: "Replication number (selects the workload, as in a suite).")
    var replication: Int = 0

    @Option(help: ArgumentHelp("Refuse a scenario whose run is estimated at more events than this (e.g. 1e9).",
                               valueName: "N"))
    var maxEvents: Double?

    @Flag(help: "Print metrics in their shortest round-trip form (as in runs.csv), not to 6 significant digits.")
    var exact = false

    @OptionGroup var timeout: RunTimeoutOption
    var runTimeout: Double? { timeout.runTimeout }

    func validate() throws {
        if let maxEvents, !(maxEvents >= 1 && maxEvents.isFinite) {
            throw ValidationError("--max-events must be a finite number ≥ 1, got \(maxEvents)")
        }
    }

    func run() throws {
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(path: scenario, registry: Session.registry)
        } catch {
            Terminal.report(error)
            throw ExitCode(ExitStatus.badInput)
        }
        let footprint = loaded.model.footprint
        guard footprint.bytes <= Budget.defaultMaxMemory else {
            Terminal.report(InputError([Diagnostic(
                "a run of this scenario needs about \(formatBytes(footprint.bytes)) of memory, more than three quarters "
                    + "of this machine's (\(formatBytes(Budget.defaultMaxMemory))); make the scenario smaller",
                at: SourceLocation(path: scenario, line: 1, column: 1))]))
            throw ExitCode(ExitStatus.badInput)
        }
        if let maxEvents, footprint.events > maxEvents {
            Terminal.report(InputError([Diagnostic(
                "a run of this scenario is estimated at \(formatQuantity(footprint.events)) events, more than "
                    + "--max-events \(formatQuantity(maxEvents)); raise --max-events to run it",
                at: SourceLocation(path: scenario, line: 1, column: 1))]))
            throw ExitCode(ExitStatus.badInput)
        }
        let family = loaded.family
        let known = loaded.model.strategies.map(\.name)
        guard let descriptor = loaded.model.strategies.first(where: { $0.name == strategy }) else {
            Terminal.printError("error: " + unknownMessage("strategy", strategy, known: known)
                                + " (family \(family.rawValue))")
            throw ExitCode(ExitStatus.badInput)
        }
        var values: [(name: String, value: Double)] = []
        for assignment in parameters {
            let parts = [assignment.name, assignment.value]
            guard let p = descriptor.parameters.first(where: { $0.name == parts[0] }) else {
                Terminal.printError("error: --set \(parts.joined(separator: "=")): strategy '\(strategy)' takes "
                                    + (descriptor.parameters.isEmpty ? "no parameters"
                                       : descriptor.parameters.map(\.name).joined(separator: ", ")))
                throw ExitCode(ExitStatus.badInput)
            }
            let value = p.choices.isEmpty ? Double(parts[1]) : p.choices.firstIndex(of: parts[1]).map(Double.init)
            guard let value, p.range.contains(value) else {
                let allowed = p.choices.isEmpty
                    ? "a number from \(formatNumber(p.range.lowerBound)) to \(formatNumber(p.range.upperBound))"
                    : "one of " + p.choices.joined(separator: ", ")
                Terminal.printError("error: --set \(parts.joined(separator: "=")): \(p.name) must be \(allowed)")
                throw ExitCode(ExitStatus.badInput)
            }
            values.append((p.name, value))
        }
        let choice = StrategyChoice(scenario: loaded.model, name: strategy, parameters: values)!
        let spec = RunSpec(index: 0, scenario: loaded, point: [], strategy: choice, replication: replication,
                           baseSeed: seed)
        let outcome = loaded.model.run(choice, workloadIdentity: spec.workloadIdentity, identity: spec.identity,
                                       deadline: runTimeout.map { WallClockDeadline.after(seconds: $0) } ?? .none)
        print("scenario     \(loaded.name) (\(family.rawValue))")
        print("strategy     \(choice.label)")
        print("run          \(spec.identity)")
        print("stop reason  \(outcome.stopReason.rawValue) after \(outcome.events) events")
        let width = family.metrics.map(\.name.count).max() ?? 10
        for (metric, value) in zip(family.metrics, outcome.metrics) {
            let name = metric.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let text = value.isNaN ? "–" : exact ? formatNumber(value) : String(format: "%.6g", value)
            let column = exact && text.count > 12 ? text : text.padding(toLength: 12, withPad: " ", startingAt: 0)
            print("\(name)  \(column) \(metric.unit) \(metric.direction.arrow)")
        }
        for (table, rows) in zip(family.details, outcome.details) where !rows.isEmpty {
            print("")
            print("\(table.fileName): \(table.description)")
            printTable(header: table.keys + table.figures.map { "\($0.name) (\($0.unit))" },
                       rows: rows.map { row in
                           row.keys.map(Self.printable) + row.values.map { $0.isNaN ? "–" : String(format: "%.4g", $0) }
                       }, rightAligned: table.keys.count)
        }
    }

    /// `text` with control characters shown as `?`, so a name cannot move the terminal's cursor.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// Columns padded to their widest cell; those from `rightAligned` on are right-aligned (numbers).
    func printTable(header: [String], rows: [[String]], rightAligned first: Int) {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        for line in all {
            print(line.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - line[c].count)
                return c >= first ? pad + line[c] : line[c] + pad
            }.joined(separator: "  "))
        }
    }
}
