import AgentTeams
import DivisionOfLabour
import Negotiation
import ResourceAllocation

/// The families coordbench knows — the one list of them. Each family's conformance to
/// `ScenarioFamily` lives beside its YAML reader in `Families/`.
public enum Registry {
    public static let families: [Family] = [
        Family(DivisionOfLabourFamily.self),
        Family(NegotiationFamily.self),
        Family(ResourceAllocationFamily.self),
        Family(CommonsFamily.self),
        Family(AgentTeamFamily.self),
    ]

    /// The family named `name`, if registered.
    public static func family(named name: String) -> Family? { families.first { $0.name == name } }
}
