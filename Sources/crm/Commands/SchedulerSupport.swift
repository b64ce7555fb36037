import ArgumentParser
import CRMCore
import Dispatch
import Foundation
import Logging

/// What the job and scheduler commands share: the clock option, logging and signals.
enum SchedulerSupport {
    /// Logs go to standard error, one line per event (swift-log's stream handler).
    static func logger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        return Logger(label: "crm.scheduler")
    }

    /// Parses `--now`; nil when absent.
    static func instant(_ text: String?, option: String) throws -> Timestamp? {
        guard let text else { return nil }
        do throws(ValueError) {
            return try Timestamp.parse(text)
        } catch {
            throw CRMError.invalidArgument("\(option) \(error.description)")
        }
    }

    /// SIGINT and SIGTERM request a stop: the current job finishes, then the command exits 0.
    static func stopOnSignals(_ stop: StopRequest) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.wholeMilliseconds) / 1000)
    }
}
