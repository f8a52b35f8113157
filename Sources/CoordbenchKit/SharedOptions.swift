import ArgumentParser
import Foundation

/// `-j/--jobs`, shared by run, validate and verify.
struct JobsOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Runs executed in parallel (default: number of cores). Results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }
}

/// `--run-timeout SECONDS`, shared by run and simulate.
struct RunTimeoutOption: ParsableArguments {
    @Option(help: ArgumentHelp("Stop a run after this many seconds of wall-clock time and record it as stopped "
                               + "(stop reason wall-clock; such results depend on the machine).", valueName: "SECONDS"))
    var runTimeout: Double?

    func validate() throws {
        if let runTimeout, !(runTimeout > 0 && runTimeout.isFinite) {
            throw ValidationError("--run-timeout must be a positive number of seconds, got \(runTimeout)")
        }
    }
}

/// `NAME=VALUE`, as `simulate --set` takes a strategy parameter.
struct Assignment: ExpressibleByArgument {
    let name: String
    let value: String

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        (name, value) = (parts[0], parts[1])
    }
}

/// A comma-separated list of positive whole numbers, e.g. `1000,100000`.
struct PositiveIntegers: ExpressibleByArgument {
    let values: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        values = parts.map { $0! }
    }

    init(_ values: [Int]) { self.values = values }

    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

/// Shell completion for the files and folders the commands take.
enum Completion {
    static let yaml = CompletionKind.file(extensions: ["yaml", "yml"])
    static let folder = CompletionKind.directory
}
