import LuaBridge

/// What makes an action fire for a customer: entering, leaving or staying in some segments of
/// one segmentation. The segments form a set: moving between two of them is neither an
/// entry nor an exit.
public struct ActionTrigger: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case enter, leave, stay
    }

    public var kind: Kind
    public var segmentation: String
    public var segments: [String]
    /// For `stay`: the days a customer must have been in the segment.
    public var days: Int

    /// `enter At Risk, Cannot Lose Them of rfm`, `stay 30 days in VIP of vip`.
    public var summary: String {
        let list = segments.joined(separator: ", ")
        switch kind {
        case .enter, .leave: return "\(kind.rawValue) \(list) of \(segmentation)"
        case .stay: return "stay \(days) days in \(list) of \(segmentation)"
        }
    }
}

/// Whether an action fires again for a customer it has fired for before.
public enum Reentry: Sendable, Equatable, CustomStringConvertible {
    /// Once per customer, ever (the default).
    case once
    /// On every qualifying event.
    case everyTime
    /// Again only when the last firing is at least this many days before the event.
    case cooldown(days: Int)

    public var description: String {
        switch self {
        case .once: return "once"
        case .everyTime: return "every_time"
        case .cooldown(let days): return "cooldown \(days) days"
        }
    }
}

/// Message limits an action asks for, below the database-wide caps.
public struct MessageCaps: Sendable, Equatable {
    public var perDay: Int?
    public var perWeek: Int?
}

/// A follow-up action of a plugin: when it fires, for whom, and the function that returns its
/// effects. Lua decides; Swift checks the effects against the plugin's permissions and writes.
public struct ActionDefinition {
    public let name: String
    public let description: String?
    public let trigger: ActionTrigger
    /// `when(c, p, event)`: fire only when it returns true.
    public let condition: LuaFunctionRef?
    /// `run(c, p, event)`: a list of effects.
    public let run: LuaFunctionRef
    /// The share of customers (0 to 1) held out: recorded, no effect, for evaluation.
    public let holdout: Double
    public let reentry: Reentry
    /// Transactional messages skip frequency caps and quiet hours (receipts, not marketing).
    public let transactional: Bool
    public let caps: MessageCaps
}
