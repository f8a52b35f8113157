import ArgumentParser
import Experiments
import Foundation
import Yams

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario and suite files; report every problem with its position.")

    @Argument(help: "Scenario or suite files (YAML). A file with a 'scenarios' key is a suite.")
    var files: [String]

    func run() throws {
        var problems: [Diagnostic] = []
        for path in files {
            do {
                if try isSuite(path) {
                    let suite = try SuiteLoader.load(path: path)
                    let runs = RunPlan(suite: suite).runs.count
                    print("\(path): ok (suite '\(suite.name)', \(suite.entries.count) scenarios, \(runs) runs)")
                } else {
                    let scenario = try ScenarioLoader.load(path: path)
                    print("\(path): ok (scenario '\(scenario.name)', family \(scenario.family.rawValue))")
                }
            } catch {
                problems += error.diagnostics
            }
        }
        if !problems.isEmpty {
            Terminal.report(InputError(problems))
            throw ExitCode(ExitStatus.badInput)
        }
    }

    /// A suite is a mapping with a top-level `scenarios` key.
    func isSuite(_ path: String) throws(InputError) -> Bool {
        let file = try ConfigFile.read(path: path)
        guard let text = Optional(file.text), let node = try? Yams.compose(yaml: text),
              case .mapping(let mapping) = node else { return false }
        return mapping["scenarios"] != nil
    }
}
