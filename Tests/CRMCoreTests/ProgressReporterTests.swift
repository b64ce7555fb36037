import Foundation
import Testing

@testable import CRMCore

@Suite("ProgressReporter: throttling and the progress line")
struct ProgressReporterTests {
    /// A clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        var now = Duration.zero
    }

    @Test("updates pass only after the interval since begin and since the last one passed")
    func throttles() {
        let clock = ManualClock()
        var seen: [ProgressReporter.Update] = []
        let reporter = ProgressReporter(interval: .milliseconds(250), now: { clock.now }) { seen.append($0) }
        clock.now = .seconds(10)
        reporter.begin("orders.csv", unit: "rows", total: 1000)
        clock.now += .milliseconds(100)
        reporter.update(count: 10, done: 100)
        #expect(seen.isEmpty, "work that ends within the interval shows nothing")
        clock.now += .milliseconds(150)
        reporter.update(count: 20, done: 200)
        clock.now += .milliseconds(100)
        reporter.update(count: 30, done: 300)
        clock.now += .milliseconds(200)
        reporter.update(count: 40, done: 400)
        #expect(seen.map(\.count) == [20, 40])
        #expect(seen.map(\.elapsed) == [.milliseconds(250), .milliseconds(550)])
        // A new piece of work starts its own clock and counts.
        reporter.begin("rfm", unit: "customers classified", total: 5)
        reporter.update(count: 1, done: 1)
        clock.now += .milliseconds(250)
        reporter.update(count: 2, done: 2)
        #expect(seen.last == ProgressReporter.Update(
            label: "rfm", unit: "customers classified", count: 2, done: 2, total: 5, elapsed: .milliseconds(250)))
    }

    @Test("advance adds up shares from several workers and restarts at begin")
    func advances() {
        let clock = ManualClock()
        var seen: [Int] = []
        let reporter = ProgressReporter(interval: .zero, now: { clock.now }) { seen.append($0.count) }
        reporter.begin("rfm", unit: "customers classified", total: 4096)
        reporter.advance(by: 1024)
        reporter.advance(by: 1024)
        reporter.advance(by: 1024)
        #expect(seen == [1024, 2048, 3072])
        reporter.begin("vip", unit: "customers classified", total: 4096)
        reporter.advance(by: 1024)
        #expect(seen.last == 1024)
    }

    @Test("the line gives count, rate, share and time left from the part done so far")
    func text() {
        let update = ProgressReporter.Update(
            label: "orders.csv", unit: "rows", count: 2_500_000, done: 250_000_000, total: 1_000_000_000, elapsed: .seconds(5))
        #expect(update.text == "orders.csv: 2,500,000 rows, 500,000 rows/s, 25%, 15 s left")
        let run = ProgressReporter.Update(
            label: "rfm", unit: "customers classified", count: 400_000, done: 400_000, total: 1_000_000, elapsed: .seconds(2))
        #expect(run.text == "rfm: 400,000 customers classified, 200,000 customers/s, 40%, 3 s left")
        let unknown = ProgressReporter.Update(label: "stdin", unit: "rows", count: 12, done: 0, total: nil, elapsed: .zero)
        #expect(unknown.text == "stdin: 12 rows")
    }

    @Test("durations and counts are written for people")
    func formats() {
        #expect(ProgressReporter.Update.duration(.milliseconds(400)) == "< 1 s")
        #expect(ProgressReporter.Update.duration(.seconds(42)) == "42 s")
        #expect(ProgressReporter.Update.duration(.seconds(185)) == "3 min 05 s")
        #expect(ProgressReporter.Update.duration(.seconds(3720)) == "1 h 02 min")
        #expect(ProgressReporter.Update.grouped(0) == "0")
        #expect(ProgressReporter.Update.grouped(999) == "999")
        #expect(ProgressReporter.Update.grouped(1000) == "1,000")
        #expect(ProgressReporter.Update.grouped(10_221_846) == "10,221,846")
    }
}
