import CLua
import Foundation

/// The last line of defence: aborts the process when a Lua call overruns its time limit by
/// far, which only a C library function the sandbox does not know about could cause (the
/// count hook cannot interrupt C). Every unit of work is a database transaction, so an abort
/// loses nothing that was committed; the default margin is ten times the limit plus 30 s.
final class LuaWatchdog: @unchecked Sendable {
    /// One watched state: its control block, name and the largest time a call may take.
    private struct Watched {
        let control: UnsafeMutablePointer<crm_ctl>
        let plugin: String
        let allowance: Double
        var call: UInt64 = 0
        var since = Date()
    }

    static let shared = LuaWatchdog(interval: 0.5)

    private let lock = NSLock()
    private var watched: [UnsafeMutablePointer<crm_ctl>: Watched] = [:]

    private init(interval: TimeInterval) {
        let thread = Thread { [unowned self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                inspect()
            }
        }
        thread.name = "lua-watchdog"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Starts watching a state's calls.
    func watch(_ control: UnsafeMutablePointer<crm_ctl>, plugin: String, timeout: Double) {
        let entry = Watched(control: control, plugin: plugin, allowance: timeout * 10 + 30)
        lock.withLock { watched[control] = entry }
    }

    /// Stops watching; called before the control block is freed.
    func forget(_ control: UnsafeMutablePointer<crm_ctl>) {
        _ = lock.withLock { watched.removeValue(forKey: control) }
    }

    private func inspect() {
        let now = Date()
        lock.withLock {
            for (key, var entry) in watched {
                let call = crm_watch_sample(entry.control)
                if call == 0 || call != entry.call {
                    entry.call = call
                    entry.since = now
                    watched[key] = entry
                } else if now.timeIntervalSince(entry.since) > entry.allowance {
                    let seconds = Int(entry.allowance)
                    let message =
                        "crm: plugin \(entry.plugin) is stuck in one Lua call for \(seconds) s; aborting\n"
                    FileHandle.standardError.write(Data(message.utf8))
                    abort()
                }
            }
        }
    }
}
