/// Why a run ended. Part of every run's result: a run that hits its event budget is
/// recorded as such rather than hanging or being mistaken for a finished one.
public enum StopReason: String, Sendable, CaseIterable {
    /// No event was left: all work is done.
    case drained
    /// The next event lay beyond the horizon.
    case horizon
    /// The event budget was spent while events were still pending.
    case eventBudget = "event-budget"
    /// The run's wall-clock limit (`run --run-timeout`) passed; the only reason that
    /// depends on the machine rather than on the inputs.
    case wallClock = "wall-clock"
}

/// A model driven by the kernel: it receives each event at its time and may schedule more.
///
/// Conforming types are concrete structs, so the run loop is specialised for each model:
/// no existential or closure is involved per event.
public protocol EventHandler {
    associatedtype Event
    mutating func handle(_ event: Event, in simulation: inout Simulation<Event>)
}

/// Simulated time and the pending-event queue of one run. Noncopyable, as its queue is: a
/// run has one clock and one queue, handed to the model `inout`.
///
/// Time is a `Double` in the model's own unit. `now` is set to an event's time before the
/// event is handed to the model, and never moves backwards.
public struct Simulation<Event>: ~Copyable {
    @usableFromInline var clock: Double = 0
    @usableFromInline var processed = 0

    /// The current simulated time.
    @inlinable public var now: Double { clock }
    /// Events handed to the model so far.
    @inlinable public var eventsProcessed: Int { processed }
    @usableFromInline var queue: EventQueue<Event>

    public init(reservingCapacity capacity: Int = 64) {
        queue = EventQueue(reservingCapacity: capacity)
    }

    /// Number of events pending.
    @inlinable public var pendingCount: Int { queue.count }

    /// Schedules `event` after `delay` time units (`delay` ≥ 0).
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, after delay: Double) -> EventID {
        precondition(delay >= 0, "negative delay \(delay)")
        return queue.push(event, at: now + delay)
    }

    /// Schedules `event` at absolute time `time` (≥ `now`).
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, at time: Double) -> EventID {
        precondition(time >= now, "event scheduled in the past: \(time) < \(now)")
        return queue.push(event, at: time)
    }

    /// Cancels a pending event (lazily); returns whether it was still pending.
    @inlinable @discardableResult
    public mutating func cancel(_ id: EventID) -> Bool { queue.cancel(id) }

    /// Runs events in (time, sequence) order until none is left, the next one lies beyond
    /// `horizon`, or `eventBudget` events have run with more pending.
    ///
    /// On `.horizon` the clock is advanced to `horizon`; on the other reasons it stays at
    /// the time of the last event.
    /// `deadline` (a `WallClockDeadline`) is looked at once every 4,096 events.
    @inlinable
    public mutating func run<Model: EventHandler>(
        _ model: inout Model, until horizon: Double = .infinity, eventBudget: Int = .max,
        deadline: WallClockDeadline = .none
    ) -> StopReason where Model.Event == Event {
        // One comparison per event, as without a deadline: `checkAt` is the budget, or the
        // next multiple of 4,096 events at which the clock is read.
        var checkAt = deadline == .none ? eventBudget : min(eventBudget, processed &+ 4096)
        while true {
            guard let time = queue.nextTime() else { return .drained }
            if time > horizon {
                clock = horizon
                return .horizon
            }
            if processed >= checkAt {
                if processed >= eventBudget { return .eventBudget }
                if deadline.hasPassed { return .wallClock }
                checkAt = min(eventBudget, processed &+ 4096)
            }
            let (eventTime, event) = queue.popLiveTop()   // live: `nextTime()` just found it
            clock = eventTime
            processed += 1
            model.handle(event, in: &self)
        }
    }
}
