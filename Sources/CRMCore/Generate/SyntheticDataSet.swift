import Foundation

/// Writes a deterministic synthetic data set — `customers.csv`, `orders.csv` and
/// `interactions.csv` in the import formats — for the demo, the tests and the benchmarks.
///
/// ```swift
/// let counts = try SyntheticDataSet.write(
///     options: GeneratorOptions(customers: 1_000_000, seed: 7),
///     to: URL(fileURLWithPath: "bench/data/L"))
/// // counts.orders ≈ 10.2M, counts.interactions ≈ 4.9M, about 1.1 GB of CSV
/// ```
///
/// Files are streamed customer by customer in bounded memory; rows are grouped by customer and
/// ascending in time within a customer. Ids are `1...N` for customers and sequential for
/// orders and interactions. Most timestamps end in `Z`; about 2% carry a `+08:00` or `-05:00`
/// offset with the local time adjusted, so the instant is the same.
public enum SyntheticDataSet {
    public static let customersFileName = "customers.csv"
    public static let ordersFileName = "orders.csv"
    public static let interactionsFileName = "interactions.csv"

    static let customersHeader =
        "id,name,email,phone,gender,birth_date,city,industry,company_size,occupation,created_at"
    static let ordersHeader = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount"
    static let interactionsHeader = "id,customer_id,kind,occurred_at"

    /// Writes the three files into `directory` (created if missing, files replaced) and returns
    /// how many rows each got.
    @discardableResult
    public static func write(options: GeneratorOptions, to directory: URL) throws(SyntheticDataError) -> GeneratedCounts
    {
        try options.validate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: directory.path, reason: reason(for: error, at: directory.path))
        }
        var customers = try CSVRowWriter(
            path: directory.appendingPathComponent(customersFileName).path, header: customersHeader)
        var orders = try CSVRowWriter(path: directory.appendingPathComponent(ordersFileName).path, header: ordersHeader)
        var interactions = try CSVRowWriter(
            path: directory.appendingPathComponent(interactionsFileName).path, header: interactionsHeader)

        let catalog = ProductCatalog.standard
        let demographics = Demographics.standard
        let asOf = options.asOfSeconds
        let asOfDay = CivilDate.day(containing: asOf)
        var timeline = CustomerTimeline()
        var counts = GeneratedCounts(customers: 0, orders: 0, interactions: 0)

        for customer in 0..<Int64(options.customers) {
            let id = customer + 1
            var random = SeededRandom(seed: options.seed, stream: UInt64(id))
            let behaviour = BuyerBehaviour.draw(random: &random, categoryCount: catalog.categories.count)
            timeline.plan(behaviour, asOf: asOf, random: &random)

            customers.integer(id)
            customers.comma()
            demographics.writeAttributes(id: id, asOfDay: asOfDay, random: &random, to: &customers)
            customers.comma()
            writeInstant(timeline.createdAt, random: &random, to: &customers)
            try customers.endRow()
            counts.customers += 1

            for orderedAt in timeline.orderTimes {
                let purchase = behaviour.nextPurchase(random: &random, categoryCount: catalog.categories.count)
                let category = catalog.categories[purchase.category]
                let product = category.products[purchase.tier]
                counts.orders += 1
                orders.integer(Int64(counts.orders))
                orders.comma()
                orders.integer(id)
                orders.comma()
                writeInstant(orderedAt, random: &random, to: &orders)
                orders.comma()
                orders.bytes(product.name)
                orders.comma()
                orders.bytes(category.name)
                orders.comma()
                orders.integer(purchase.quantity)
                orders.comma()
                orders.decimal(minorUnits: product.unitPrice, scale: GeneratorOptions.minorUnitScale)
                orders.comma()
                orders.decimal(
                    minorUnits: product.unitPrice * purchase.quantity, scale: GeneratorOptions.minorUnitScale)
                try orders.endRow()
            }

            for occurredAt in timeline.interactionTimes {
                counts.interactions += 1
                interactions.integer(Int64(counts.interactions))
                interactions.comma()
                interactions.integer(id)
                interactions.comma()
                interactions.bytes(BuyerBehaviour.interactionKinds[BuyerBehaviour.nextInteractionKind(random: &random)])
                interactions.comma()
                writeInstant(occurredAt, random: &random, to: &interactions)
                try interactions.endRow()
            }
        }

        try customers.finish()
        try orders.finish()
        try interactions.finish()
        return counts
    }

    /// An instant, usually in UTC; one in fifty in Shanghai (+08:00) or New York winter (-05:00)
    /// time, so importers must convert offsets.
    private static func writeInstant(_ seconds: Int64, random: inout SeededRandom, to row: inout CSVRowWriter) {
        switch random.below(100) {
        case 0: row.timestamp(secondsSinceEpoch: seconds, offsetMinutes: 8 * 60)
        case 1: row.timestamp(secondsSinceEpoch: seconds, offsetMinutes: -5 * 60)
        default: row.timestamp(secondsSinceEpoch: seconds)
        }
    }

    /// A short reason for a file-system error, without Foundation's generic preamble.
    private static func reason(for error: any Error, at path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return "a file with that name is in the way"
        }
        return (error as NSError).localizedFailureReason ?? error.localizedDescription
    }
}
