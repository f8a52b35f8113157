import ArgumentParser
import Experiments
import Foundation

@main
struct CoordbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordbench",
        abstract: "Deterministic benchmarks of orchestration strategies for simulated agent teams.",
        version: Coordbench.version,
        subcommands: [RunCommand.self, CompareCommand.self, VerifyCommand.self, ReportCommand.self, SimulateCommand.self,
                      ValidateCommand.self, ListCommand.self, BenchCommand.self]
    )

    /// Like swift-argument-parser's `main()`, but a usage error — an unknown option or
    /// subcommand, a missing argument, a bad value, a `ValidationError` — exits 2 (bad input or
    /// usage, see `ExitStatus`) instead of the parser's 64, with the parser's usual message on
    /// stderr. Help and --version still print to stdout and exit 0; an `ExitCode` a command
    /// throws is its exit status.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Anything that stops parsing but help or --version is a usage error.
            exit(onUsageError: error, always: true)
        }
        do {
            try command.run()
        } catch {
            exit(onUsageError: error, always: false)
        }
    }

    /// Exits as `exit(withError:)` would, except with status 2 for a usage error: one the
    /// parser would exit 64 for, or (`always`) any failure while parsing.
    static func exit(onUsageError error: any Error, always: Bool) -> Never {
        let code = exitCode(for: error)
        if !code.isSuccess && !(error is ExitCode) && (always || code == .validationFailure) {
            let message = fullMessage(for: error)
            if !message.isEmpty { Terminal.printError(message) }
            Foundation.exit(ExitStatus.badInput)
        }
        exit(withError: error)
    }
}
