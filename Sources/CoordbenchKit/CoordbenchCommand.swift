import ArgumentParser
import Experiments
import Foundation

extension Coordbench {
    /// Runs coordbench's command line (`run`, `compare`, `verify`, `report`, `simulate`,
    /// `validate`, `list`, `bench`) on this process's arguments, with the built-in families
    /// and `families` after them, and `strategies` added to the families they name. Suite and
    /// scenario files then use the added names like built-in ones. Exits the process.
    ///
    /// A user's executable is this one call:
    /// ```swift
    /// import CoordbenchKit
    /// try Coordbench.main(families: [JuryFamily.self],
    ///                     strategies: [StrategyAddition(DivisionOfLabourFamily.self, [myRule])])
    /// ```
    /// Throws (before reading any argument) when a name is taken; see `Registry.adding`.
    public static func main(families: [any ScenarioFamily.Type] = [], strategies: [StrategyAddition] = [],
                            commandName: String? = nil) throws(RegistryError) -> Never {
        let registry = try Registry.builtIn.adding(families: families.map { Family($0) }, strategies: strategies)
        Session.start(registry: registry, commandName: commandName)
        CoordbenchCommand.main()
        exit(0)
    }

    /// The built-in command line, as the `coordbench` executable runs it.
    public static func main() -> Never {
        try! main(families: [], strategies: [], commandName: "coordbench")
    }
}

/// What the command line runs with: set once, before arguments are parsed.
enum Session {
    /// The families and strategies suites and scenarios may name.
    nonisolated(unsafe) private(set) static var registry = Registry.builtIn
    /// The name help and messages give the tool: the executable's file name unless told.
    nonisolated(unsafe) private(set) static var commandName = "coordbench"

    static func start(registry: Registry, commandName: String?) {
        self.registry = registry
        self.commandName = commandName ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "coordbench"
    }
}

struct CoordbenchCommand: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: Session.commandName,
        abstract: "Deterministic benchmarks of orchestration strategies for simulated agent teams.",
        version: Coordbench.version,
        subcommands: [RunCommand.self, MergeCommand.self, CompareCommand.self, VerifyCommand.self, ReportCommand.self, SimulateCommand.self,
                      ValidateCommand.self, ListCommand.self, BenchCommand.self]
    ) }

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
