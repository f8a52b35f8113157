/// The classic hold model, the standard benchmark of event-queue performance: `pending`
/// events wait; each step pops the earliest and schedules one at now + Exp(1).
///
/// Used by `coordbench bench` against the same loop in C++ (`scripts/hold_model.cpp`),
/// which draws its delays from the same GSL generator and distribution.
public struct HoldModel: EventHandler {
    public typealias Event = UInt32
    let stream: RandomStream
    public private(set) var checksum = 0.0

    public init(seed: UInt64) { stream = RandomStream(seed: seed) }

    public mutating func handle(_ event: UInt32, in simulation: inout Simulation<UInt32>) {
        checksum += simulation.now
        simulation.schedule(event, after: stream.exponential(mean: 1))
    }

    /// A model and a queue filled with `pending` events at Exp(1) times, ready to run.
    public static func prepared(pending: Int, seed: UInt64 = 1) -> (model: HoldModel, simulation: Simulation<UInt32>) {
        let model = HoldModel(seed: seed)
        var simulation = Simulation<UInt32>(reservingCapacity: pending)
        for i in 0..<pending { simulation.schedule(UInt32(truncatingIfNeeded: i), after: model.stream.exponential(mean: 1)) }
        return (model, simulation)
    }
}
