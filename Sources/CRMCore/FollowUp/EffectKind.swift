/// The kinds of effect an action may return, and the permission each one needs.
public enum EffectKind: String, CaseIterable, Sendable {
    case task, tag, untag, message, field

    /// The name a plugin lists in `permissions` to return this kind.
    public var permission: String {
        switch self {
        case .task: return "tasks"
        case .tag, .untag: return "tags"
        case .message: return "messages"
        case .field: return "fields"
        }
    }
}
