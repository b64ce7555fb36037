/// The columns a profile table holds: the union of the loaded plugins' `ProfileDeclaration`s,
/// resolved against the known interaction kinds (the built-in ones and those plugins declare).
public struct ProfileShape: Sendable, Equatable {
    /// Every interaction kind crm accepts, built-in first; kind indexes refer to this list.
    public let interactionKinds: [String]
    /// Per-kind window columns, by kind index then days.
    let kindWindows: [KindWindow]
    /// Windows over all kinds, orders and revenue, in days, ascending.
    let anyKindWindows: [Int]
    let orderWindows: [Int]
    let revenueWindows: [Int]
    /// The longest top-categories list any plugin asked for.
    let topCategories: Int

    struct KindWindow: Sendable, Hashable, Comparable {
        var kind: Int
        var days: Int

        static func < (a: KindWindow, b: KindWindow) -> Bool { (a.kind, a.days) < (b.kind, b.days) }
    }

    /// The union of `declarations` (the standard profile when there are none).
    public init(declarations: [ProfileDeclaration]) {
        let declarations = declarations.isEmpty ? [ProfileDeclaration.standard] : declarations
        var kinds = InteractionKind.builtIn
        for kind in declarations.flatMap(\.interactionKinds).sorted() where !kinds.contains(kind) { kinds.append(kind) }
        interactionKinds = kinds
        var windows = Set<KindWindow>()
        for declaration in declarations {
            for (index, kind) in kinds.enumerated() {
                for days in declaration.everyKindWindows + (declaration.kindWindows[kind] ?? []) {
                    windows.insert(KindWindow(kind: index, days: days))
                }
            }
        }
        kindWindows = windows.sorted()
        anyKindWindows = Set(declarations.flatMap(\.anyKindWindows)).sorted()
        orderWindows = Set(declarations.flatMap(\.orderWindows)).sorted()
        revenueWindows = Set(declarations.flatMap(\.revenueWindows)).sorted()
        topCategories = declarations.map(\.topCategories).max() ?? ProfileDeclaration.defaultTopCategories
    }

    /// Every column, in one line: equal for equal shapes (part of a kept profile's key).
    var fingerprint: String {
        let kinds = kindWindows.map { "\(interactionKinds[$0.kind]):\($0.days)" }.joined(separator: ",")
        return "kinds \(interactionKinds.joined(separator: ",")); by kind \(kinds); any \(anyKindWindows); orders \(orderWindows); "
            + "revenue \(revenueWindows); top \(topCategories)"
    }

    /// The profile of plugins that declare nothing.
    public static let standard = ProfileShape(declarations: [.standard])

    /// Names of the window fields `declaration` sees in a table of this shape.
    func windowFieldNames(seenBy declaration: ProfileDeclaration) -> Set<String> {
        var names = Set<String>()
        for kind in interactionKinds {
            for days in declaration.everyKindWindows + (declaration.kindWindows[kind] ?? []) {
                names.insert(Self.kindWindowName(kind, days))
            }
        }
        for days in declaration.anyKindWindows { names.insert(Self.anyKindWindowName(days)) }
        for days in declaration.orderWindows { names.insert(Self.orderWindowName(days)) }
        for days in declaration.revenueWindows { names.insert(Self.revenueWindowName(days)) }
        return names
    }

    static func kindWindowName(_ kind: String, _ days: Int) -> String { "\(kind)_\(days)d" }
    static func anyKindWindowName(_ days: Int) -> String { "interactions_\(days)d" }
    static func orderWindowName(_ days: Int) -> String { "orders_\(days)d" }
    static func revenueWindowName(_ days: Int) -> String { "revenue_\(days)d" }

    /// Whether `name` has the form of a window field (`<word>_<N>d`), declared or not.
    static func looksLikeWindow(_ name: String) -> Bool {
        guard name.hasSuffix("d"), let underscore = name.lastIndex(of: "_") else { return false }
        let digits = name[name.index(after: underscore)..<name.index(before: name.endIndex)]
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) && underscore != name.startIndex
    }
}
