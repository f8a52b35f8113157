import ArgumentParser
import Foundation
import SimulationKernel

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the event kernel with the hold model (see scripts/bench.sh for the C++ comparison).")

    @Option(help: "Pending-event counts to measure, comma-separated.")
    var pending: String = "1000,100000"

    @Option(help: "Events per measurement.")
    var events: Int = 10_000_000

    @Option(help: "Repetitions per size; the best is reported.")
    var repeats: Int = 3

    @Flag(help: "Print one line per size: PENDING EVENTS_PER_SECOND CHECKSUM.")
    var plain = false

    func run() throws {
        let sizes = pending.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--pending must list positive whole numbers, e.g. 1000,100000")
        }
        for size in sizes {
            var best = 0.0
            var checksum = 0.0
            for _ in 0..<max(repeats, 1) {
                var (model, simulation) = HoldModel.prepared(pending: size)
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
}
