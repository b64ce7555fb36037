/// What one plugin asks the profile to hold beyond the core fields: windows in calendar days
/// for orders, revenue and interactions, how many top categories, and extra interaction kinds
/// (the plugin's `profile` section). The core computes the union of the loaded plugins'
/// declarations and nothing more, and each plugin sees only what it declared.
///
/// A plugin without a `profile` section gets `standard`, the profile crm has always given:
/// every interaction kind over 30, 90 and 365 days, all kinds together over the same windows,
/// `orders_365d` and three top categories.
public struct ProfileDeclaration: Sendable, Equatable {
    /// Windows for every known interaction kind (`<kind>_<N>d`): the standard profile's.
    public var everyKindWindows: [Int]
    /// Windows per interaction kind (`inquiry_14d`).
    public var kindWindows: [String: [Int]]
    /// Windows over interactions of any kind (`interactions_<N>d`).
    public var anyKindWindows: [Int]
    /// Windows over purchases (`orders_<N>d`).
    public var orderWindows: [Int]
    /// Windows over revenue net of returns (`revenue_<N>d`).
    public var revenueWindows: [Int]
    /// How many categories `top_categories` lists.
    public var topCategories: Int
    /// Interaction kinds beyond the built-in ones that `crm import interactions` must accept.
    public var interactionKinds: [String]

    public init(
        everyKindWindows: [Int] = [], kindWindows: [String: [Int]] = [:], anyKindWindows: [Int] = [], orderWindows: [Int] = [],
        revenueWindows: [Int] = [], topCategories: Int = ProfileDeclaration.defaultTopCategories, interactionKinds: [String] = []
    ) {
        self.everyKindWindows = everyKindWindows
        self.kindWindows = kindWindows
        self.anyKindWindows = anyKindWindows
        self.orderWindows = orderWindows
        self.revenueWindows = revenueWindows
        self.topCategories = topCategories
        self.interactionKinds = interactionKinds
    }

    public static let defaultTopCategories = 3

    /// The profile of a plugin that declares none.
    public static let standard = ProfileDeclaration(
        everyKindWindows: [30, 90, 365], anyKindWindows: [30, 90, 365], orderWindows: [365])

    /// One line for `crm plugin info`: the window fields the plugin sees and its extra kinds.
    public var summary: String {
        if self == .standard { return "standard (no profile section): <kind>_30d/_90d/_365d for every kind, interactions_30d/_90d/_365d, orders_365d" }
        let names = ProfileShape(declarations: [self]).windowFieldNames(seenBy: self).sorted()
        var text = names.isEmpty ? "core fields only" : names.joined(separator: ", ")
        if topCategories != Self.defaultTopCategories { text += "; top_categories lists \(topCategories)" }
        if !interactionKinds.isEmpty { text += "; kinds \(interactionKinds.joined(separator: ", "))" }
        return text
    }

    /// Name prefixes of window fields that are not interaction kinds; a kind may not take them.
    static let reservedPrefixes = ["orders", "revenue", "interactions"]
}
