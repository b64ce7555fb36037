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
/// Files are streamed customer by customer in bounded memory. With `RowOrder.customer` rows are
/// grouped by customer and ascending in time within a customer; with `.chronological` the same
/// rows (same ids) are in time order across customers, sorted through `TimeBuckets` (temporary
/// files in a hidden folder inside `directory`, one bucket in memory at a time). Ids are `1...N`
/// for customers and sequential in customer order for orders and interactions. Most timestamps end in `Z`; about 2% carry a `+08:00` or `-05:00`
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
        let catalog = ProductCatalog.standard
        let demographics = Demographics.standard
        let asOf = options.asOfSeconds
        let asOfDay = CivilCalendar.day(containingSecond: asOf)

        var customers = try CSVRowWriter(
            path: directory.appendingPathComponent(customersFileName).path, header: customersHeader)
        let ordersPath = directory.appendingPathComponent(ordersFileName).path
        let interactionsPath = directory.appendingPathComponent(interactionsFileName).path
        var orders: RowSink
        var interactions: RowSink
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        switch options.order {
        case .customer:
            orders = RowSink(direct: try CSVRowWriter(path: ordersPath, header: ordersHeader))
            interactions = RowSink(direct: try CSVRowWriter(path: interactionsPath, header: interactionsHeader))
        case .chronological:
            let folder = directory.appendingPathComponent(".crm-generate-\(UUID().uuidString)")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateDirectory(path: folder.path, reason: reason(for: error, at: folder.path))
            }
            scratch = folder
            // Sign-ups reach back about 150 days before the history's first order.
            let first = (asOfDay - CustomerTimeline.historyDays - 200) * CivilCalendar.secondsPerDay
            orders = RowSink(
                buckets: try TimeBuckets(
                    outputPath: ordersPath, header: ordersHeader, directory: folder.path, first: first, last: asOf))
            interactions = RowSink(
                buckets: try TimeBuckets(
                    outputPath: interactionsPath, header: interactionsHeader, directory: folder.path, first: first,
                    last: asOf))
        }
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
                let orderID = Int64(counts.orders)
                try orders.row(at: orderedAt, id: orderID) { row in
                    row.integer(orderID)
                    row.comma()
                    row.integer(id)
                    row.comma()
                    writeInstant(orderedAt, random: &random, to: &row)
                    row.comma()
                    row.bytes(product.name)
                    row.comma()
                    row.bytes(category.name)
                    row.comma()
                    row.integer(purchase.quantity)
                    row.comma()
                    row.decimal(minorUnits: product.unitPrice, scale: GeneratorOptions.minorUnitScale)
                    row.comma()
                    row.decimal(
                        minorUnits: product.unitPrice * purchase.quantity, scale: GeneratorOptions.minorUnitScale)
                }
            }

            for occurredAt in timeline.interactionTimes {
                counts.interactions += 1
                let interactionID = Int64(counts.interactions)
                try interactions.row(at: occurredAt, id: interactionID) { row in
                    row.integer(interactionID)
                    row.comma()
                    row.integer(id)
                    row.comma()
                    row.bytes(BuyerBehaviour.interactionKinds[BuyerBehaviour.nextInteractionKind(random: &random)])
                    row.comma()
                    writeInstant(occurredAt, random: &random, to: &row)
                }
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
