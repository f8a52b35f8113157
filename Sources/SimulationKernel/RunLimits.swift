import Dispatch

/// A point in wall-clock time after which a run stops (`run --run-timeout`), or none.
///
/// Reading the clock costs tens of nanoseconds, so loops look at it only every few thousand
/// events. A run stopped by it is recorded with the stop reason `wall-clock`.
public struct WallClockDeadline: Sendable, Equatable {
    /// Monotonic nanoseconds (`DispatchTime.uptimeNanoseconds`); `UInt64.max` for none.
    @usableFromInline let nanoseconds: UInt64

    public static let none = WallClockDeadline(nanoseconds: .max)

    @usableFromInline init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The deadline `seconds` from now.
    public static func after(seconds: Double) -> WallClockDeadline {
        let delta = seconds >= 1e9 ? UInt64.max / 2 : UInt64(max(0, seconds) * 1e9)
        return WallClockDeadline(nanoseconds: DispatchTime.now().uptimeNanoseconds &+ delta)
    }

    @inlinable public var hasPassed: Bool {
        nanoseconds != .max && DispatchTime.now().uptimeNanoseconds >= nanoseconds
    }
}

/// Counts the events of a turn-based run (offers, bidder-periods, harvest decisions) against
/// its event budget and wall-clock deadline, for families that do not run on the event queue.
public struct EventMeter: Sendable {
    @usableFromInline var eventCount = 0
    public var events: Int { eventCount }
    public let budget: Int
    public let deadline: WallClockDeadline
    @usableFromInline var nextClockCheck = 4096

    public init(budget: Int, deadline: WallClockDeadline = .none) {
        self.budget = budget
        self.deadline = deadline
    }

    /// Records `count` events; returns why the run must stop now, or nil to go on. A run
    /// stops when the next events would exceed its budget.
    @inlinable public mutating func spend(_ count: Int = 1) -> StopReason? {
        let (total, overflow) = eventCount.addingReportingOverflow(count)
        if overflow || total > budget { return .eventBudget }
        eventCount = total
        if eventCount >= nextClockCheck {
            nextClockCheck = eventCount + 4096
            if deadline.hasPassed { return .wallClock }
        }
        return nil
    }
}

/// What one run is expected to cost, estimated from its scenario before anything runs, so
/// that a suite too large for the machine is refused with numbers instead of exhausting it.
public struct Footprint: Sendable, Equatable {
    /// Events (the family's unit of work: events, offers, bidder-periods, harvest decisions),
    /// with the agents a strategy examines per event counted as events too, so that it
    /// tracks a run's time; an estimate, not a measurement.
    public var events: Double
    /// Peak memory in bytes.
    public var bytes: Double

    public init(events: Double, bytes: Double) {
        self.events = events
        self.bytes = bytes
    }
}
