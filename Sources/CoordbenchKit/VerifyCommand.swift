import ArgumentParser
import Experiments
import Foundation
import Reporting

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-run what a results folder records and check that it reproduces; writes nothing.",
        discussion: """
            Reads manifest.json, checks that the suite and scenario files are those recorded (SHA-256), \
            re-runs the suite with the recorded options and compares runs.csv, summary.csv, results.json \
            and any detail files with the recorded hashes. Exit codes: 0 reproduced, 1 a difference (the first differing run is \
            named), 2 bad input or usage, 3 the recorded inputs are missing or changed.
            """)

    @Argument(help: "The results folder.", completion: Completion.folder)
    var results: String

    @Option(help: ArgumentHelp("Re-run only N runs, drawn deterministically from the plan, and check their rows.",
                               valueName: "N"))
    var sample: Int?

    @OptionGroup var parallel: JobsOption
    var jobs: Int { parallel.jobs }

    func validate() throws {
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1, got \(sample)") }
    }

    func run() throws { try Terminal.exitingOnFailure(verify) }

    func verify() throws {
        let started = Date()
        let outcome: Verification.Outcome
        do {
            outcome = try Verification.verify(results, sample: sample, jobs: jobs, registry: Session.registry)
        } catch let error as ResultsError {
            Terminal.printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        switch outcome {
        case .reproduced(let text):
            print("verified \(results): \(text) (\(seconds) s)")
        case .differs(let text):
            Terminal.printError("verify \(results): does not reproduce: \(text)")
            throw ExitCode(ExitStatus.regression)
        case .inputsChanged(let text):
            Terminal.printError("verify \(results): cannot re-run: the recorded inputs are missing or changed:\n" + text)
            throw ExitCode(ExitStatus.incomparable)
        }
    }
}
