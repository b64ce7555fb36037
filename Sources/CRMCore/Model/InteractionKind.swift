/// The kinds of interaction the core knows; plugins may declare more (see the plugin guide).
///
/// These are the data model's vocabulary, not policy: what an interaction *means* for a
/// segment is decided by plugins.
public enum InteractionKind {
    /// Kinds accepted by `crm import interactions` without any plugin.
    public static let builtIn: [String] = [
        "email_open", "email_click", "page_view", "inquiry", "call", "feedback",
        "consultation", "contract", "payment",
    ]
}
