import Foundation
import SimulationKernel
import Testing
import Vocabulary
@testable import Experiments

/// A family's detail tables become file names and CSV headers, and one results folder may hold
/// runs of several families: ill-declared tables, and one table name with two sets of columns,
/// are refused when the registry is built.
@Suite("Registry: detail tables")
struct DetailTableRegistryTests {
    static let visits = FigureDescriptor("visits", unit: "count", "times a task entered the node")
    static let cost = FigureDescriptor("cost", unit: "money", "spent at the node")
    static let nodes = DetailTable("stations", keys: ["node"], figures: [visits, cost], "a node of the graph")

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let families: [Family]
        /// The registry's error, or nil when the families are accepted.
        let message: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one table in two families, same columns", families: [Family(NodesA.self), Family(NodesB.self)],
             message: nil),
        Case(name: "one table name in two families, other columns", families: [Family(NodesA.self), Family(NodesOther.self)],
             message: "families 'nodes-a' and 'nodes-other' both declare detail table 'stations', with different columns; "
                + "a table shared by families must have the same keys and figures (names and units) in each"),
        Case(name: "a file name that is not plain", families: [Family(BadName.self)],
             message: "family 'bad-name': detail table name 'per node' must be 1 to 100 bytes of letters, digits, "
                + "'-', '_' or '.'"),
        Case(name: "a table written over runs.csv", families: [Family(Reserved.self)],
             message: "family 'reserved': detail table 'runs' would be written over runs.csv; choose another name"),
        Case(name: "a column every detail file has", families: [Family(RunColumn.self)],
             message: "family 'run-column': column 'strategy' of detail table 'stations' is one every detail file starts "
                + "with (run, scenario, point, strategy, replication)"),
        Case(name: "a column named twice", families: [Family(TwiceColumn.self)],
             message: "family 'twice-column': detail table 'stations' names column 'node' twice"),
        Case(name: "a column name with a space", families: [Family(SpacedColumn.self)],
             message: "family 'spaced-column': column 'time at node' of detail table 'stations' must be 1 to 100 bytes of "
                + "letters, digits, '-', '_' or '.'"),
        Case(name: "no figures", families: [Family(NoFigures.self)],
             message: "family 'no-figures': detail table 'stations' declares no figures"),
        Case(name: "one table twice in a family", families: [Family(TwiceTable.self)],
             message: "family 'twice-table' declares detail table 'stations' twice"),
    ]

    @Test("ill-declared and conflicting detail tables are refused with a message", arguments: cases)
    func refused(_ c: Case) {
        var message: String?
        do {
            let registry = try Registry.builtIn.adding(families: c.families)
            #expect(registry.family(named: c.families[0].name)?.details == c.families[0].details)
        } catch {
            message = error.description
        }
        #expect(message == c.message)
    }

    @Test("a family's tables are its declaration, and none by default")
    func erased() {
        #expect(Family(NodesA.self).details == [Self.nodes])
        #expect(Registry.builtIn.family(named: "division-of-labour")?.details == [], "none unless declared")
        #expect(Self.nodes.columns == ["run", "scenario", "point", "strategy", "replication", "node", "visits", "cost"])
        #expect(Self.nodes.fileName == "stations.csv")
    }

    @Test("rows that do not fit the declared tables are told apart from rows that do")
    func mismatch() {
        let tables = [Self.nodes]
        #expect(tables.mismatch([]) == nil, "no rows at all")
        #expect(tables.mismatch([[DetailRow(keys: ["a"], values: [1, .nan])]]) == nil)
        #expect(tables.mismatch([[], []]) == "2 arrays of detail rows for 1 tables")
        #expect(tables.mismatch([[DetailRow(keys: ["a"], values: [1])]])
                == "a row of stations with 1 keys and 1 values; the table declares 1 and 2")
    }
}

/// A family that only declares detail tables; its runs do nothing.
protocol DeclaringFamily: ScenarioFamily where Scenario == Int, Strategy == Int, Result == Int {}

extension DeclaringFamily {
    static var summary: String { "declares detail tables (a test)" }
    static var strategies: [StrategyDeclaration<Int>] { [StrategyDeclaration("only", "does nothing") { _ in 0 }] }
    static var metrics: [MetricDeclaration<Int>] { [] }
    static func read(_ root: YAMLNode, name: String, in file: ConfigFile) -> Int? { 0 }
    static func footprint(of scenario: Int) -> Footprint { Footprint(events: 1, bytes: 1) }
    static func run(_ scenario: Int, strategy: Int, streams: RunStreams, deadline: WallClockDeadline) -> RunOutcome {
        RunOutcome(stopReason: .drained, events: 0, metrics: [])
    }
}

private typealias Declared = DetailTableRegistryTests

enum NodesA: DeclaringFamily {
    static let name = "nodes-a"
    static let details = [Declared.nodes]
}

/// The same columns as `NodesA`'s, described in other words.
enum NodesB: DeclaringFamily {
    static let name = "nodes-b"
    static let details = [DetailTable("stations", keys: ["node"], figures: [
        FigureDescriptor("visits", unit: "count", "entries"), FigureDescriptor("cost", unit: "money", "spending"),
    ], "a step of the workflow")]
}

/// The same figures, but cost in another unit.
enum NodesOther: DeclaringFamily {
    static let name = "nodes-other"
    static let details = [DetailTable("stations", keys: ["node"], figures: [
        Declared.visits, FigureDescriptor("cost", unit: "tokens", "spent at the node"),
    ], "a node")]
}

enum BadName: DeclaringFamily {
    static let name = "bad-name"
    static let details = [DetailTable("per node", keys: ["node"], figures: [Declared.visits], "a node")]
}

enum Reserved: DeclaringFamily {
    static let name = "reserved"
    static let details = [DetailTable("runs", keys: ["node"], figures: [Declared.visits], "a node")]
}

enum RunColumn: DeclaringFamily {
    static let name = "run-column"
    static let details = [DetailTable("stations", keys: ["strategy"], figures: [Declared.visits], "a node")]
}

enum TwiceColumn: DeclaringFamily {
    static let name = "twice-column"
    static let details = [DetailTable("stations", keys: ["node"], figures: [FigureDescriptor("node", unit: "", "again")], "a node")]
}

enum SpacedColumn: DeclaringFamily {
    static let name = "spaced-column"
    static let details = [DetailTable("stations", keys: ["node"], figures: [FigureDescriptor("time at node", unit: "s", "")], "a node")]
}

enum NoFigures: DeclaringFamily {
    static let name = "no-figures"
    static let details = [DetailTable("stations", keys: ["node"], figures: [], "a node")]
}

enum TwiceTable: DeclaringFamily {
    static let name = "twice-table"
    static let details = [Declared.nodes, Declared.nodes]
}
