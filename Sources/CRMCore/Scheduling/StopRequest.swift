import Foundation
import Synchronization

/// A request to stop, set from a signal handler and waited on by the scheduler loop: the
/// current job finishes, then the loop ends.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    public init() {}

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    public func request() {
        requested.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Waits up to `seconds` of real time; returns early (true) when a stop is requested.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        if isRequested { return true }
        _ = wake.wait(timeout: .now() + max(0, seconds))
        if isRequested { wake.signal() }  // wake every other waiter too
        return isRequested
    }
}
