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

    /// A simulation whose queue holds `pending` events at Exp(1) times drawn from this model's
    /// stream, ready to run.
    public func prepared(pending: Int) -> Simulation<UInt32> {
        var simulation = Simulation<UInt32>(reservingCapacity: pending)
        for i in 0..<pending { simulation.schedule(UInt32(truncatingIfNeeded: i), after: stream.exponential(mean: 1)) }
        return simulation
    }
}
