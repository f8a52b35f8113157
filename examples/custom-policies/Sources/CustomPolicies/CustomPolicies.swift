@_exported import CoordbenchKit

/// What this package adds to coordbench: the lists its executable and tests register.
public enum CustomPolicies {
    /// New families.
    public static let families: [any ScenarioFamily.Type] = [ReviewPanelFamily.self]
    /// New strategies of existing families.
    public static let strategies: [StrategyAddition] = [
        StrategyAddition(DivisionOfLabourFamily.self, [CostAwareLeastLoaded.declaration]),
    ]

    /// coordbench's built-in registry with this package's additions.
    public static func registry() throws -> Registry {
        try Registry.builtIn.adding(families: families.map { Family($0) }, strategies: strategies)
    }
}
