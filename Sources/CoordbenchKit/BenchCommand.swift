import ArgumentParser
import Experiments
import Foundation
import SimulationKernel
import Vocabulary

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the event kernel with the hold model (see scripts/bench.sh for the C++ comparison), "
            + "or the runs per second of one scenario under one strategy.")

    @Option(help: ArgumentHelp("Pending-event counts to measure, comma-separated.", valueName: "N,N,…"))
    var pending = PositiveIntegers([1000, 100_000])

    @Option(help: "Events per measurement.")
    var events: Int = 10_000_000

    @Option(help: "Repetitions per size; the best is reported.")
    var repeats: Int = 3

    @Flag(help: "Print one line per size: PENDING EVENTS_PER_SECOND CHECKSUM.")
    var plain = false

    @Option(help: "Instead of the hold model, time whole runs of this scenario (set-up included).",
            completion: Completion.yaml)
    var scenario: String?

    @Option(help: "The strategy for --scenario.")
    var strategy: String?

    @Option(help: "Seconds to keep repeating runs of --scenario.")
    var seconds: Double = 2

    @Option(name: .customLong("min-runs"), help: "Runs of --scenario to make at least, however long they take.")
    var minRuns: Int = 1

    func validate() throws {
        guard seconds.isFinite, seconds >= 0, seconds <= 1e6 else {
            throw ValidationError("--seconds must be a number of seconds from 0 to 1000000")
        }
        guard (1...1_000_000).contains(minRuns) else { throw ValidationError("--min-runs must be from 1 to 1000000") }
    }

    func run() throws {
        if let scenario { return try benchScenario(scenario) }
        let sizes = pending.values
        for size in sizes {
            var best = 0.0
            var checksum = 0.0
            for _ in 0..<max(repeats, 1) {
                var model = HoldModel(seed: 1)
                var simulation = model.prepared(pending: size)
                let start = DispatchTime.now().uptimeNanoseconds
                _ = simulation.run(&model, eventBudget: events)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best = max(best, Double(events) / max(seconds, 1e-9))
                checksum = model.checksum
            }
            if plain {
                print("\(size) \(String(format: "%.0f", best)) \(String(format: "%.6f", checksum))")
            } else {
                print("hold model, \(size) pending: \(String(format: "%.2f", best / 1e6)) M events/s (checksum \(String(format: "%.6f", checksum)))")
            }
        }
    }

    /// Runs per second of one scenario under one strategy, each run from the parsed scenario
    /// to its metrics (domain or workload, agents, simulation, scoring).
    func benchScenario(_ path: String) throws {
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(path: path, registry: Session.registry)
        } catch {
            Terminal.report(error)
            throw ExitCode(ExitStatus.badInput)
        }
        guard let name = strategy, let choice = StrategyChoice(scenario: loaded.model, name: name) else {
            Terminal.printError("error: --scenario needs --strategy, one of: "
                                + loaded.model.strategies.map(\.name).joined(separator: ", "))
            throw ExitCode(ExitStatus.badInput)
        }
        let spec = RunSpec(index: 0, scenario: loaded, point: [], strategy: choice, replication: 0, baseSeed: 1)
        // The run's identities (the strings that seed its streams and name it in a manifest)
        // are the runner's bookkeeping, not part of a run from scenario to metrics: they are
        // made once here rather than formatted again in every timed repetition.
        let workloadIdentity = spec.workloadIdentity, identity = spec.identity
        // `minRuns` runs at least, then runs until `seconds` have passed (the clock is read once
        // a run, which costs nothing next to a run, so a slow scenario is not repeated needlessly).
        var runs = 0
        var outcome: RunOutcome
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            outcome = loaded.model.run(choice, workloadIdentity: workloadIdentity, identity: identity)
            runs += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while runs < minRuns || elapsed < seconds
        let metrics = zip(loaded.family.metrics, outcome.metrics).prefix(3)
            .map { "\($0.name)=\(formatNumber($1))" }.joined(separator: " ")
        print("\(loaded.name) under \(choice.label): \(runs) runs in \(String(format: "%.2f", elapsed)) s; \(metrics)")
        print("runs_per_second \(String(format: "%.1f", Double(runs) / elapsed))")
    }
}
