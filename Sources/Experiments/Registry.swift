import Vocabulary
import AgentTeams
import DivisionOfLabour
import Negotiation
import ResourceAllocation

/// The families a run knows, with their strategies. `Registry.builtIn` is coordbench's own
/// list — the one place that names its families; each family's conformance to
/// `ScenarioFamily` lives beside its YAML reader in `Families/`. A user's package extends it
/// with its own families and strategies (`adding(families:strategies:)`) and passes the result
/// to the loaders, or to `Coordbench.main`.
public struct Registry: Sendable {
    /// In the order `coordbench list` shows them.
    public let families: [Family]

    /// coordbench's own families (their detail tables checked as a user's are: a bad
    /// declaration stops the program at start).
    public static let builtIn: Registry = {
        let families = [
            Family(DivisionOfLabourFamily.self),
            Family(NegotiationFamily.self),
            Family(ResourceAllocationFamily.self),
            Family(CommonsFamily.self),
            Family(AgentTeamFamily.self),
        ]
        do {
            try checkDetails(families.map { ($0.name, $0.details) })
        } catch {
            preconditionFailure("\(error)")
        }
        return Registry(checked: families)
    }()

    init(checked families: [Family]) { self.families = families }

    /// The family named `name`, if registered.
    public func family(named name: String) -> Family? { families.first { $0.name == name } }

    /// This registry with `families` after its own and `strategies` added to the families
    /// they name. Throws when a family or strategy name is taken or empty, a strategy is
    /// added to a family that is not registered, or a detail table is ill-declared or
    /// declared by two families with different columns.
    public func adding(families added: [Family] = [], strategies: [StrategyAddition] = []) throws(RegistryError) -> Registry {
        var families = self.families
        for family in added {
            guard Registry.isPlainName(family.name) else { throw RegistryError("family name '\(family.name)' must be 1 to 100 bytes of letters, digits, '-', '_' or '.'") }
            guard !families.contains(family) else { throw RegistryError("family '\(family.name)' is already registered") }
            families.append(family)
        }
        for addition in strategies {
            guard let index = families.firstIndex(where: { $0.name == addition.family }) else {
                throw RegistryError("strategies added to family '\(addition.family)', which is not registered; registered: "
                                    + families.map(\.name).joined(separator: ", "))
            }
            var seen = Set(families[index].strategies.map(\.name))
            for strategy in addition.strategies {
                guard Registry.isPlainName(strategy.name) else {
                    throw RegistryError("strategy name '\(strategy.name)' must be 1 to 100 bytes of letters, digits, '-', '_' or '.'")
                }
                guard seen.insert(strategy.name).inserted else {
                    throw RegistryError("family '\(addition.family)' already has a strategy named '\(strategy.name)'")
                }
            }
            families[index] = families[index].adding(addition)!
        }
        for family in families where Set(family.strategies.map(\.name)).count != family.strategies.count {
            throw RegistryError("family '\(family.name)' declares a strategy name twice")
        }
        try Registry.checkDetails(families.map { ($0.name, $0.details) })
        return Registry(checked: families)
    }

    /// Every family's detail tables are well declared, and a table name shared by families
    /// (one results folder may hold runs of both) means the same columns in each. Also
    /// applied to the tables a results folder's manifest records.
    public static func checkDetails(_ families: [(name: String, details: [DetailTable])]) throws(RegistryError) {
        var declared: [(family: String, table: DetailTable)] = []
        for family in families {
            var names: Set<String> = []
            for table in family.details {
                if let error = table.declarationError { throw RegistryError("family '\(family.name)': \(error)") }
                guard names.insert(table.name).inserted else {
                    throw RegistryError("family '\(family.name)' declares detail table '\(table.name)' twice")
                }
                if let other = declared.first(where: { $0.table.name == table.name }), !other.table.hasSameColumns(as: table) {
                    throw RegistryError("families '\(other.family)' and '\(family.name)' both declare detail table "
                                        + "'\(table.name)', with different columns; a table shared by families must have "
                                        + "the same keys and figures (names and units) in each")
                }
                declared.append((family.name, table))
            }
        }
    }

    /// Names go into file names, CSV cells and run identities: keep them plain (1 to 100
    /// bytes of ASCII letters, digits, `-`, `_` or `.`).
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

/// A family or strategy that cannot be registered (a programming error in the user's package).
public struct RegistryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
