// What a user's package sees with `import CoordbenchKit`: the family protocol and registry,
// the vocabulary of strategies and metrics, random streams and the event kernel, and the
// built-in families (to add strategies to them), and the pipeline from suite to results files.
@_exported import AgentTeams
@_exported import DivisionOfLabour
@_exported import Experiments
@_exported import Negotiation
@_exported import Reporting
@_exported import ResourceAllocation
@_exported import SimulationKernel
@_exported import Vocabulary
