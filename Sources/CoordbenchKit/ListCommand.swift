import ArgumentParser
import Experiments
import SimulationKernel
import Vocabulary

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List families, strategies or metrics (with detail tables) with one-line descriptions.")

    enum Topic: String, CaseIterable, ExpressibleByArgument {
        case families, strategies, metrics
    }

    @Argument(help: "What to list: \(Topic.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var topic: Topic?

    func run() {
        let topics = topic.map { [$0] } ?? Topic.allCases
        for (i, topic) in topics.enumerated() {
            if i > 0 { print("") }
            switch topic {
            case .families:
                print("Families")
                for family in Session.registry.families { print("  \(family.rawValue.padded(22)) \(family.summary)") }
            case .strategies:
                for family in Session.registry.families {
                    print("Strategies of \(family.rawValue)")
                    for s in family.strategies {
                        print("  \(s.name.padded(22)) \(s.summary)")
                        for p in s.parameters {
                            let value = p.choices.isEmpty
                                ? "default \(formatNumber(p.defaultValue)), \(formatNumber(p.range.lowerBound))…\(formatNumber(p.range.upperBound))"
                                : "default \(p.format(p.defaultValue)); one of \(p.choices.joined(separator: ", "))"
                            print("    \(p.name.padded(20)) \(p.summary) (\(value))")
                        }
                    }
                }
            case .metrics:
                for family in Session.registry.families {
                    print("Metrics of \(family.rawValue)  (↑ higher is better, ↓ lower is better, · descriptive)")
                    for m in family.metrics {
                        print("  \(m.name.padded(20)) \(m.direction.arrow) \(m.unit.padded(10)) \(m.summary)")
                    }
                    for table in family.details {
                        let keys = table.keys.isEmpty ? "" : " and " + table.keys.joined(separator: ", ")
                        print("  detail table \(table.fileName) (a row per run\(keys)): \(table.description)")
                        for f in table.figures { print("    \(f.name.padded(20)) \(f.unit.padded(10)) \(f.description)") }
                    }
                }
            }
        }
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : padding(toLength: width, withPad: " ", startingAt: 0) }
}
