import DivisionOfLabour
import Foundation
import Testing
import Vocabulary
@testable import Experiments

/// A registry extended at run time: added strategies are used by suites like built-in ones,
/// and names that would be ambiguous are refused when the registry is built.
@Suite("Registry")
struct RegistryTests {
    /// Least-loaded under another name, with a parameter it ignores.
    static let renamed = StrategyAddition(DivisionOfLabourFamily.self, [
        StrategyDeclaration("central-queue", "least-loaded, under another name",
                            parameters: [ParameterDescriptor("unused", default: 1, range: 0...10, "ignored")]) { _ in
            .leastLoaded
        },
    ])

    @Test("an added strategy runs in a suite and gives the built-in's outcomes run for run")
    func addedStrategyRuns() throws {
        let registry = try Registry.builtIn.adding(strategies: [Self.renamed])
        #expect(registry.family(named: "division-of-labour")!.strategies.map(\.name).suffix(2)
                == ["response-threshold", "central-queue"])
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "suite.yaml": """
            replications: 3
            scenarios:
              - path: s.yaml
                strategies: [least-loaded, {name: central-queue, unused: 2}]
            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml", registry: registry)
        let records = try Runner(jobs: 2).run(RunPlan(suite: suite))
        #expect(Set(records.map(\.spec.strategy.label)) == ["least-loaded", "central-queue(unused=2)"])
        let builtIn = records.filter { $0.spec.strategy.name == "least-loaded" }.map(\.outcome)
        let added = records.filter { $0.spec.strategy.name == "central-queue" }.map(\.outcome)
        #expect(builtIn.count == 3 && added == builtIn)

        // Without the addition, the same suite names an unknown strategy.
        #expect(throws: InputError.self) { try SuiteLoader.load(path: dir + "/suite.yaml") }
    }

    @Test("taken, empty and unregistered names are refused with a message")
    func refused() {
        func message(_ build: () throws -> Registry) -> String? {
            do { _ = try build(); return nil } catch { return (error as? RegistryError)?.description }
        }
        #expect(message { try Registry.builtIn.adding(strategies: [Self.renamed, Self.renamed]) }
                == "family 'division-of-labour' already has a strategy named 'central-queue'")
        let taken = StrategyAddition(DivisionOfLabourFamily.self, [StrategyDeclaration("random", "again") { _ in .random }])
        #expect(message { try Registry.builtIn.adding(strategies: [taken]) }
                == "family 'division-of-labour' already has a strategy named 'random'")
        let blank = StrategyAddition(DivisionOfLabourFamily.self, [StrategyDeclaration("a b", "spaced") { _ in .random }])
        #expect(message { try Registry.builtIn.adding(strategies: [blank]) }
                == "strategy name 'a b' must be 1 to 100 bytes of letters, digits, '-', '_' or '.'")
        #expect(message { try Registry.builtIn.adding(families: [Family(DivisionOfLabourFamily.self)]) }
                == "family 'division-of-labour' is already registered")
        let registry = Registry(checked: Array(Registry.builtIn.families.dropFirst()))
        #expect(message { try registry.adding(strategies: [Self.renamed]) }
                == "strategies added to family 'division-of-labour', which is not registered; registered: "
                + "negotiation, resource-allocation, commons, agent-team")
    }
}
