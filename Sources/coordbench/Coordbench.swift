import ArgumentParser
import Experiments

@main
struct CoordbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordbench",
        abstract: "Deterministic benchmarks of orchestration strategies for simulated agent teams.",
        version: Coordbench.version,
        subcommands: [RunCommand.self, SimulateCommand.self, ValidateCommand.self, ListCommand.self, BenchCommand.self]
    )
}
