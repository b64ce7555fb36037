/// How one synthetic customer buys and engages, drawn once per customer.
///
/// The mix is what the segmentations need to find: about 15% never buy (half of them are
/// prospects with interactions), a fifth buy once (some of them one large bulk order), and the
/// rest buy repeatedly on a personal cycle — active, dormant (last order 6–12 months ago),
/// churned (over a year ago) or won back after a long gap. Order counts and basket sizes are
/// log-normal, so a few customers bring much of the revenue. Over all customers the mean is
/// about 10.2 orders and 4.9 interactions.
struct BuyerBehaviour {
    enum Kind: CaseIterable {
        case neverBought, oneTime, bulkOneTime, repeatBuyer
    }

    enum Lifecycle: CaseIterable {
        case active, dormant, churned, wonBack
    }

    /// One order line: indices into `ProductCatalog` and a quantity.
    struct Purchase {
        var category: Int
        var tier: Int
        var quantity: Int64
    }

    var kind: Kind
    /// Only meaningful for repeat buyers.
    var lifecycle: Lifecycle
    var orderCount: Int
    /// The typical number of days between two orders.
    var cycleDays: Double
    /// Days from the last order to the as-of date (at least 1).
    var recencyDays: Int64
    /// For won-back buyers: the extra silence before the last order.
    var winBackGapDays: Int64
    var interactionCount: Int
    private var favoriteCategories: (Int, Int)
    private var priceTier: Int
    private var basketScale: Double

    /// Interaction kinds as written to CSV, and how often each occurs.
    static let interactionKinds: [[UInt8]] = ["email_open", "page_view", "email_click", "inquiry", "call", "feedback"]
        .map { Array($0.utf8) }
    private static let interactionWeights = [38, 30, 14, 8, 6, 4]

    private static let kindWeights = [15, 17, 3, 65]  // Kind order
    private static let lifecycleWeights = [50, 18, 25, 7]  // Lifecycle order
    private static let tierWeights = [35, 30, 22, 13]
    /// Keeps the busiest buyers' histories inside the ten simulated years.
    static let maximumOrders = 300

    static func draw(random: inout SeededRandom, categoryCount: Int) -> BuyerBehaviour {
        let kind = Kind.allCases[random.pick(weights: kindWeights)]
        let favorite = random.below(categoryCount)
        var behaviour = BuyerBehaviour(
            kind: kind,
            lifecycle: .active,
            orderCount: 0,
            cycleDays: 0,
            recencyDays: 0,
            winBackGapDays: 0,
            interactionCount: 0,
            favoriteCategories: (favorite, (favorite + 1 + random.below(categoryCount - 1)) % categoryCount),
            priceTier: random.pick(weights: tierWeights),
            basketScale: random.logNormal(median: 1, sigma: 0.6)
        )
        switch kind {
        case .neverBought:
            let isProspect = random.chance(0.55)
            behaviour.interactionCount = isProspect ? 1 + Int(random.logNormal(median: 2.5, sigma: 0.8)) : 0
        case .oneTime, .bulkOneTime:
            behaviour.orderCount = 1
            behaviour.recencyDays =
                random.chance(0.15) ? Int64(random.int(in: 1...60)) : Int64(random.int(in: 1...3450))
            behaviour.interactionCount = Int(random.logNormal(median: 1.8, sigma: 0.9))
        case .repeatBuyer:
            behaviour.lifecycle = Lifecycle.allCases[random.pick(weights: lifecycleWeights)]
            behaviour.orderCount = min(maximumOrders, 2 + Int(random.logNormal(median: 8.46, sigma: 1.0)))
            behaviour.cycleDays = min(365, max(7, random.logNormal(median: 30, sigma: 0.6)))
            switch behaviour.lifecycle {
            case .active:
                behaviour.recencyDays = Int64(random.int(in: 1...max(1, min(90, Int(behaviour.cycleDays)))))
            case .dormant:
                behaviour.recencyDays = Int64(random.int(in: 183...365))
            case .churned:
                behaviour.recencyDays = Int64(random.int(in: 366...1800))
            case .wonBack:
                behaviour.recencyDays = Int64(random.int(in: 1...60))
                behaviour.winBackGapDays = Int64(random.int(in: 400...720))
            }
            behaviour.interactionCount = Int(random.logNormal(median: 4.6, sigma: 0.9))
        }
        return behaviour
    }

    /// What the customer puts in the next order: mostly their favourite categories at their
    /// usual price tier; a bulk buyer takes a large quantity of a cheap product.
    func nextPurchase(random: inout SeededRandom, categoryCount: Int) -> Purchase {
        let roll = random.below(100)
        let category = roll < 45 ? favoriteCategories.0 : roll < 75 ? favoriteCategories.1 : random.below(categoryCount)
        if kind == .bulkOneTime {
            return Purchase(category: category, tier: random.below(2), quantity: Int64(random.int(in: 20...400)))
        }
        let tier = random.chance(0.65) ? priceTier : random.below(ProductCatalog.tiersPerCategory)
        let quantity = max(1, Int64(basketScale * (0.5 + random.unit()) + 0.5))
        return Purchase(category: category, tier: tier, quantity: quantity)
    }

    /// The kind of the next interaction, as an index into `interactionKinds`.
    static func nextInteractionKind(random: inout SeededRandom) -> Int {
        random.pick(weights: interactionWeights)
    }
}
