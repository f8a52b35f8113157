import ArgumentParser
import Experiments
import Foundation
import Yams

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario and suite files; report every problem with its position.")

    @Argument(help: "Scenario or suite files (YAML). A file with a 'scenarios' key is a suite.", completion: Completion.yaml)
    var files: [String]

    @OptionGroup(title: "Limits (as for run)")
    var limits: BudgetOptions

    @OptionGroup var parallel: JobsOption
    var jobs: Int { parallel.jobs }

    func run() throws {
        var problems: [Diagnostic] = []
        for path in files {
            let cache = SourceCache()
            do {
                if try cache.isSuite(path) {
                    // Grids are counted, not built: validating costs what the files' values cost.
                    let suite = try SuiteLoader.load(path: path, budget: limits.budget(jobs: jobs), depth: .check,
                                                     registry: Session.registry, cache: cache)
                    print("\(path): ok (suite '\(suite.name)', \(suite.entries.count) scenarios, "
                          + "\(grouped(suite.estimate.runs)) runs)")
                    print("  " + suite.estimate.summary)
                } else {
                    let scenario = try ScenarioLoader.load(path: path, registry: Session.registry, cache: cache)
                    let footprint = scenario.model.footprint
                    print("\(path): ok (scenario '\(scenario.name)', family \(scenario.family.rawValue)); a run needs "
                          + "about \(formatBytes(footprint.bytes)) and \(formatQuantity(footprint.events)) events")
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
}
