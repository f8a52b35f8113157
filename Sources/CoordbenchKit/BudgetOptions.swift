import ArgumentParser
import Experiments
import Foundation

/// The limits a suite must fit before anything runs, shared by `run` and `validate`.
struct BudgetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Refuse a suite of more runs than this.", valueName: "N"))
    var maxRuns: Int = Budget.defaultMaxRuns

    @Option(help: ArgumentHelp(
        "Refuse a suite whose runs, --jobs at a time, need more memory than this (estimated before running; "
            + "K, M, G suffixes; default: three quarters of this machine's memory).", valueName: "BYTES"))
    var maxMemory: ByteCount?

    @Option(help: ArgumentHelp("Refuse a suite whose runs add up to more estimated events than this (e.g. 1e9).",
                               valueName: "N"))
    var maxEvents: Double?

    @Flag(help: "Allow a suite to name scenario files outside its own folder tree.")
    var allowOutsidePaths = false

    func validate() throws {
        guard maxRuns >= 1 else { throw ValidationError("--max-runs must be at least 1, got \(maxRuns)") }
        if let maxEvents, !(maxEvents >= 1 && maxEvents.isFinite) {
            throw ValidationError("--max-events must be a finite number ≥ 1, got \(maxEvents)")
        }
    }

    func budget(jobs: Int) -> Budget {
        Budget(maxRuns: maxRuns, maxMemory: maxMemory?.bytes ?? Budget.defaultMaxMemory, maxEvents: maxEvents,
               jobs: jobs, allowOutsidePaths: allowOutsidePaths)
    }
}

/// A number of bytes written as `123`, `64K`, `512M`, `12G` or `1T` (powers of 1024).
struct ByteCount: ExpressibleByArgument {
    let bytes: Double

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var digits = Substring(text)
        var scale = 1.0
        if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") { digits = digits.dropLast() }
        if let last = digits.last, let unit = units[last] { scale = unit; digits = digits.dropLast() }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        bytes = value * scale
    }
}
