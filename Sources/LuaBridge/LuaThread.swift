import Foundation
import Synchronization

/// A dedicated thread with a large stack on which all of a state's Lua work runs.
///
/// Lua library functions such as `gsub` with a recursive replacement or `__tostring`
/// recursion use kilobytes of C stack per level, more than an executor's threads provide.
/// `run` hands a closure to the thread and blocks the caller until it has finished; called
/// on the thread itself, it runs the closure directly. Several states may share one thread.
public final class LuaThread: Sendable {
    private let queue = JobQueue()

    /// Starts the thread; `stackSize` is in bytes (16 MiB by default).
    public init(stackSize: Int = 16 << 20) {
        let thread = Thread { [queue] in queue.serve() }
        thread.stackSize = stackSize
        thread.name = "lua"
        thread.start()
    }

    deinit { queue.stop() }

    /// Whether the caller is running on this thread.
    public var isCurrent: Bool { queue.isServingThread }

    /// Runs `body` on this thread and returns its result, blocking the caller meanwhile.
    public func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        if isCurrent { return try body() }
        var result: Result<T, E>?
        withoutActuallyEscaping(body) { body in
            let done = DispatchSemaphore(value: 0)
            // The caller blocks until the job has run and been released, so the
            // non-Sendable closure and result are never used from two threads at once.
            queue.submit(UnsafeTransfer(done: done) { result = Result { () throws(E) -> T in try body() } })
            done.wait()
        }
        // `result` is always set: `done.wait()` returns only after the job assigned it.
        guard let result else { preconditionFailure("Lua thread job did not run") }
        return try result.get()
    }
}

/// Carries a closure to the Lua thread while its owner waits for it.
struct UnsafeTransfer: @unchecked Sendable {
    let done: DispatchSemaphore
    let job: () -> Void
    init(done: DispatchSemaphore, _ job: @escaping () -> Void) {
        self.done = done
        self.job = job
    }
}

/// The jobs waiting for one Lua thread; `condition` guards `jobs` and `stopped`.
final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnsafeTransfer] = []
    private var stopped = false
    private let owner = Atomic<UInt>(0)

    var isServingThread: Bool { owner.load(ordering: .relaxed) == currentThreadID() }

    func submit(_ job: UnsafeTransfer) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// The thread's loop: runs jobs in order until stopped.
    func serve() {
        owner.store(currentThreadID(), ordering: .relaxed)
        while let done = runNext() { done.signal() }
    }

    /// Runs one job and returns its semaphore once the job is released, or nil when stopped.
    private func runNext() -> DispatchSemaphore? {
        condition.lock()
        while jobs.isEmpty && !stopped { condition.wait() }
        let next = jobs.isEmpty ? nil : jobs.removeFirst()
        condition.unlock()
        guard let next else { return nil }
        next.job()
        return next.done
    }
}

private func currentThreadID() -> UInt {
    #if canImport(Darwin)
        UInt(bitPattern: pthread_self())
    #else
        UInt(pthread_self())
    #endif
}
