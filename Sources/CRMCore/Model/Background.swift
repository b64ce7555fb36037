import Dispatch

/// A value computed on another thread, waited for by its owner: Lua decides on the next batch
/// of follow-ups (`ActionCall.start`) or classifies the next segmentation (`SegmentationEngine`)
/// while the database writes this one; a sorted window is spilled while the next is read
/// (`KeyOrderWindow`).
final class Background<Value>: @unchecked Sendable {
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)
    private var waited = false

    /// Starts `work` on a global queue.
    init(_ work: @escaping () -> Value) {
        nonisolated(unsafe) let work = work
        DispatchQueue.global().async {
            self.value = work()
            self.done.signal()
        }
    }

    /// The value, waiting for it the first time; `value` is written once, before `done` is signalled.
    func wait() -> Value {
        if !waited {
            done.wait()
            waited = true
        }
        guard let value else { preconditionFailure("background work produced no value") }
        return value
    }
}
