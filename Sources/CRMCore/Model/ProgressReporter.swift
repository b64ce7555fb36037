import Foundation

/// Progress of long work — the rows of an import, the customers of a segmentation run —
/// passed to an observer at most once per `interval`, so the work can report as often as it
/// likes (every thousand rows, say) and a terminal is redrawn only a few times a second.
///
/// The core calls `begin` and `update` with counts; what to do with an `Update` (draw it on a
/// terminal, or nothing) is the caller's business. Named so as not to clash with Foundation's
/// `Progress`.
///
/// ```swift
/// let reporter = ProgressReporter { update in print(update.text) }
/// reporter.begin("orders.csv", unit: "rows", total: fileSize)
/// reporter.update(count: rowsRead, done: bytesRead)   // cheap; reports at most every 250 ms
/// ```
public final class ProgressReporter: @unchecked Sendable {
    /// Where one piece of work stands.
    public struct Update: Sendable, Equatable {
        /// What is being worked on: a file name, a segmentation.
        public var label: String
        /// What `count` counts: "rows", "customers classified".
        public var unit: String
        /// Items done so far.
        public var count: Int
        /// Progress toward `total` in the work's own measure (bytes read, customers).
        public var done: Int
        /// The whole work in the measure of `done`, when known.
        public var total: Int?
        /// Time since `begin`.
        public var elapsed: Duration

        public init(label: String, unit: String, count: Int, done: Int, total: Int?, elapsed: Duration) {
            self.label = label
            self.unit = unit
            self.count = count
            self.done = done
            self.total = total
            self.elapsed = elapsed
        }

        /// Items per second so far, when any time has passed.
        public var rate: Double? {
            let seconds = Self.seconds(elapsed)
            return seconds > 0 ? Double(count) / seconds : nil
        }

        /// Time left at the pace so far, from `done` and `total`.
        public var remaining: Duration? {
            guard let total, total > 0, done > 0, done <= total else { return nil }
            let seconds = Self.seconds(elapsed) * Double(total - done) / Double(done)
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }

        /// One line: `orders.csv: 2,500,000 rows, 812,345 rows/s, 43%, 6 s left`.
        public var text: String {
            var parts = ["\(label): \(Self.grouped(count)) \(unit)"]
            if let rate {
                let what = unit.split(separator: " ").first.map(String.init) ?? unit
                parts.append("\(Self.grouped(Int(rate.rounded()))) \(what)/s")
            }
            if let total, total > 0 {
                parts.append("\(min(100, done * 100 / total))%")
            }
            if let remaining { parts.append("\(Self.duration(remaining)) left") }
            return parts.joined(separator: ", ")
        }

        /// `1234567` → `1,234,567`.
        static func grouped(_ value: Int) -> String {
            let digits = String(value.magnitude)
            var out = ""
            for (index, digit) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
                out.append(digit)
            }
            return value < 0 ? "-" + out : out
        }

        /// `< 1 s`, `42 s`, `3 min 05 s`, `1 h 02 min`.
        static func duration(_ duration: Duration) -> String {
            let total = Int(seconds(duration).rounded())
            if total < 1 { return "< 1 s" }
            if total < 60 { return "\(total) s" }
            if total < 3600 { return "\(total / 60) min \(CivilCalendar.padded(total % 60, width: 2)) s" }
            return "\(total / 3600) h \(CivilCalendar.padded(total / 60 % 60, width: 2)) min"
        }

        static func seconds(_ duration: Duration) -> Double {
            let parts = duration.components
            return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        }
    }

    private let lock = NSLock()
    private let interval: Duration
    private let now: () -> Duration
    private let emit: (Update) -> Void
    private var label = ""
    private var unit = ""
    private var total: Int?
    private var started = Duration.zero
    /// What `advance` has added up since `begin`.
    private var advanced = 0
    private var lastEmitted: Duration?

    /// A reporter that passes updates to `emit` at most once per `interval`, and not before
    /// `interval` has passed since `begin` (so work that ends quickly reports nothing).
    public convenience init(interval: Duration = .milliseconds(250), emit: @escaping @Sendable (Update) -> Void) {
        let clock = ContinuousClock()
        let origin = clock.now
        self.init(interval: interval, now: { clock.now - origin }, emit: emit)
    }

    /// The same with a clock of the caller's (tests).
    init(interval: Duration, now: @escaping () -> Duration, emit: @escaping (Update) -> Void) {
        self.interval = interval
        self.now = now
        self.emit = emit
    }

    /// Starts a piece of work: `label` and `unit` for the text, `total` in the measure that
    /// `update`'s `done` will use (nil when unknown). The clock starts now.
    public func begin(_ label: String, unit: String, total: Int?) {
        lock.lock()
        defer { lock.unlock() }
        self.label = label
        self.unit = unit
        self.total = total
        started = now()
        lastEmitted = nil
        advanced = 0
    }

    /// `items` more are done (counted toward both the count and `done`), from any thread: for
    /// work split across threads, each adding its own share.
    public func advance(by items: Int) {
        lock.lock()
        advanced += items
        let total = advanced
        lock.unlock()
        update(count: total, done: total)
    }

    /// `count` items are done, `done` of the total. Passes an update on when `interval` has
    /// passed since `begin` and since the last one passed on.
    public func update(count: Int, done: Int) {
        lock.lock()
        let time = now()
        guard time - started >= interval, lastEmitted.map({ time - $0 >= interval }) ?? true else {
            lock.unlock()
            return
        }
        lastEmitted = time
        let update = Update(label: label, unit: unit, count: count, done: done, total: total, elapsed: time - started)
        lock.unlock()
        emit(update)
    }
}
