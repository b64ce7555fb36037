import CRMCore

/// Prints what follow-up actions did after `segment run`: counts per action, and in a dry run
/// every firing with its effects.
struct FollowUpReport {
    let summary: FollowUpSummary
    let dryRun: Bool

    func print() {
        let firings = summary.firings
        let effects = summary.effectCounts.map { "\($0.count) \($0.kind)\($0.count == 1 ? "" : "s")" }.joined(separator: ", ")
        Swift.print(
            "follow-ups\(dryRun ? " (would fire)" : ""): \(summary.count(.applied)) fired"
                + (effects.isEmpty ? "" : " (\(effects))") + ", \(summary.count(.heldOut)) held out, "
                + "\(summary.count(.skipped)) skipped, \(summary.count(.failed)) failed")
        var actions: [String] = []
        for firing in firings where !actions.contains(firing.action) { actions.append(firing.action) }
        let width = actions.map(\.count).max() ?? 0
        for action in actions {
            let mine = firings.filter { $0.action == action }
            let counts = FollowUpSummary.Firing.Outcome.allOutcomes.compactMap { outcome -> String? in
                let count = mine.count { $0.outcome == outcome }
                return count == 0 ? nil : "\(count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
            }
            Swift.print("  \(action.padding(toLength: width, withPad: " ", startingAt: 0))  \(counts.joined(separator: ", "))")
        }
        for firing in firings where firing.outcome == .failed {
            Progress.warn("Error: follow-up failed (retried by the next run): \(firing.detail ?? firing.action)")
        }
        guard dryRun else { return }
        for firing in firings where firing.outcome == .applied {
            Swift.print("  \(firing.action) → customer \(firing.customerID): \(firing.effects.joined(separator: "; "))")
        }
    }
}

extension FollowUpSummary.Firing.Outcome {
    static let allOutcomes: [Self] = [.applied, .heldOut, .skipped, .failed]
}
