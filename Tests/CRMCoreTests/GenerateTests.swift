import Foundation
import Testing

@testable import CRMCore

/// A data set written by `SyntheticDataSet` into a temporary folder and read back: raw bytes
/// and parsed rows (header dropped), with the folder removed afterwards.
struct GeneratedDataSet: Sendable {
    let options: GeneratorOptions
    let counts: GeneratedCounts
    let files: [String: Data]
    let headers: [String: String]
    let customers: [[String]]
    let orders: [[String]]
    let interactions: [[String]]

    init(customers count: Int, seed: UInt64 = 42, order: RowOrder = .customer) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-generate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        options = GeneratorOptions(customers: count, seed: seed, order: order)
        counts = try SyntheticDataSet.write(options: options, to: directory)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == ["customers.csv", "interactions.csv", "orders.csv"], "no temporary files are left behind")
        var files: [String: Data] = [:]
        var headers: [String: String] = [:]
        var rows: [String: [[String]]] = [:]
        for name in ["customers.csv", "orders.csv", "interactions.csv"] {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            files[name] = data
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "", "\(name) ends with a newline")
            lines.removeLast()
            headers[name] = String(lines.removeFirst())
            rows[name] = lines.map(Self.fields)
        }
        self.files = files
        self.headers = headers
        self.customers = rows["customers.csv"] ?? []
        self.orders = rows["orders.csv"] ?? []
        self.interactions = rows["interactions.csv"] ?? []
    }

    /// The fields of one RFC 4180 record that holds no line break.
    static func fields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = line.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// Seconds since the epoch of an ISO-8601 timestamp with `Z` or an offset.
    static func instant(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    /// A decimal with exactly two digits after the dot, as an integer count of cents.
    static func cents(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let whole = Int64(parts[0]), let fraction = Int64(parts[1]) else {
            return nil
        }
        return whole * 100 + fraction
    }

    /// Each customer's `created_at` in seconds, by customer id.
    func createdAtByCustomer() -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: customers.map { ($0[0], Self.instant($0[10]) ?? .min) })
    }

    /// Rows (orders or interactions) whose customer is unknown or whose instant in
    /// `timeColumn` lies outside the customer's `[created_at, as-of]`.
    func rowsOutsideCustomerLifetime(_ rows: [[String]], timeColumn: Int) -> [[String]] {
        let createdAt = createdAtByCustomer()
        let asOf = options.asOf / 1_000_000
        return rows.filter { row in
            guard let created = createdAt[row[1]], let instant = Self.instant(row[timeColumn]) else { return true }
            return instant < created || instant > asOf
        }
    }

    /// Each buyer's orders as (seconds, cents), by customer id.
    func ordersByCustomer() -> [String: [(at: Int64, amount: Int64)]] {
        Dictionary(grouping: orders, by: { $0[1] }).mapValues { rows in
            rows.map { (Self.instant($0[2]) ?? .min, Self.cents($0[7]) ?? 0) }
        }
    }
}

@Suite("SyntheticDataSet files")
struct GenerateTests {
    @Test("the same seed twice writes byte-identical files")
    func sameSeedSameBytes() throws {
        let first = try GeneratedDataSet(customers: 300, seed: 7)
        let second = try GeneratedDataSet(customers: 300, seed: 7)
        #expect(first.files == second.files)
    }

    @Test("another seed writes different files")
    func otherSeedOtherBytes() throws {
        let first = try GeneratedDataSet(customers: 300, seed: 7)
        let second = try GeneratedDataSet(customers: 300, seed: 8)
        for name in ["customers.csv", "orders.csv", "interactions.csv"] {
            #expect(first.files[name] != second.files[name], "\(name)")
        }
    }

    @Test("a smaller data set is a prefix of a larger one with the same seed")
    func smallerIsPrefix() throws {
        let small = try GeneratedDataSet(customers: 100, seed: 3)
        let large = try GeneratedDataSet(customers: 250, seed: 3)
        for name in ["customers.csv", "orders.csv", "interactions.csv"] {
            let prefix = try #require(small.files[name])
            #expect(large.files[name]?.prefix(prefix.count) == prefix, "\(name)")
        }
    }

    @Test("the chronological layout has the same rows as the customer layout, in time order across customers")
    func chronologicalSameRows() throws {
        let grouped = try GeneratedDataSet(customers: 400, seed: 5)
        let chronological = try GeneratedDataSet(customers: 400, seed: 5, order: .chronological)
        #expect(chronological.counts == grouped.counts)
        #expect(chronological.files["customers.csv"] == grouped.files["customers.csv"])
        #expect(chronological.headers == grouped.headers)
        for (rows, other, column) in [
            (chronological.orders, grouped.orders, 2), (chronological.interactions, grouped.interactions, 3),
        ] {
            #expect(rows.count > 400)
            #expect(rows.map { $0.joined(separator: ",") }.sorted() == other.map { $0.joined(separator: ",") }.sorted())
            // Sorted by instant (offsets converted), ties by id; customers interleave.
            let keys = rows.map { (GeneratedDataSet.instant($0[column]) ?? .min, Int($0[0]) ?? 0) }
            #expect(keys.allSatisfy { $0.0 != .min })
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
            let switches = zip(rows, rows.dropFirst()).filter { $0[1] != $1[1] }.count
            #expect(switches > rows.count / 2, "customers are interleaved, not grouped")
        }
        // The grouped layout is not in time order, so the test above is not vacuous.
        let groupedTimes = grouped.orders.map { GeneratedDataSet.instant($0[2]) ?? .min }
        #expect(!zip(groupedTimes, groupedTimes.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("rows are sorted within a time bucket and buckets follow each other; instants out of range go to the ends")
    func timeBucketsSort() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-buckets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.csv").path
        let day = CivilCalendar.secondsPerDay
        var buckets = try TimeBuckets(outputPath: output, header: "id,at", directory: directory.path, first: 0, last: 400 * day)
        let rows: [(Int64, Int64)] = [(300 * day, 1), (5, 2), (-7 * day, 3), (5, 1), (900 * day, 4), (31 * day, 9), (29 * day, 8)]
        for (seconds, id) in rows {
            try buckets.row(at: seconds, id: id) { row in
                row.integer(id)
                row.comma()
                row.integer(seconds)
            }
        }
        try buckets.finish()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text == "id,at\n3,\(-7 * day)\n1,5\n2,5\n8,\(29 * day)\n9,\(31 * day)\n1,\(300 * day)\n4,\(900 * day)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
    }

    @Test("files start with exactly the import headers")
    func headers() throws {
        let data = try GeneratedDataSet(customers: 10)
        #expect(
            data.headers["customers.csv"]
                == "id,name,email,phone,gender,birth_date,city,industry,company_size,occupation,created_at")
        #expect(data.headers["orders.csv"] == "id,customer_id,ordered_at,product,category,quantity,unit_price,amount")
        #expect(data.headers["interactions.csv"] == "id,customer_id,kind,occurred_at")
    }

    @Test("returned counts match the rows in the files, and every row has all its columns")
    func countsMatchFiles() throws {
        let data = try GeneratedDataSet(customers: 500)
        #expect(
            data.counts
                == GeneratedCounts(
                    customers: data.customers.count, orders: data.orders.count, interactions: data.interactions.count))
        #expect(data.customers.allSatisfy { $0.count == 11 })
        #expect(data.orders.allSatisfy { $0.count == 8 })
        #expect(data.interactions.allSatisfy { $0.count == 4 })
    }

    @Test("ids are 1...N for customers and sequential for orders and interactions")
    func sequentialIds() throws {
        let data = try GeneratedDataSet(customers: 200)
        #expect(data.customers.map { $0[0] } == (1...200).map(String.init))
        #expect(data.orders.map { $0[0] } == (1...data.orders.count).map(String.init))
        #expect(data.interactions.map { $0[0] } == (1...data.interactions.count).map(String.init))
    }

    @Test("every amount is quantity times unit price, in exact cents")
    func amountIsQuantityTimesPrice() throws {
        let data = try GeneratedDataSet(customers: 1_000)
        for order in data.orders {
            let quantity = try #require(Int64(order[5]), "quantity \(order[5])")
            let unitPrice = try #require(GeneratedDataSet.cents(order[6]), "unit_price \(order[6])")
            let amount = try #require(GeneratedDataSet.cents(order[7]), "amount \(order[7])")
            #expect(quantity >= 1 && unitPrice > 0)
            #expect(amount == quantity * unitPrice, "order \(order[0])")
        }
    }

    @Test("every order belongs to a known customer and lies between its created_at and as-of")
    func ordersWithinCustomerLifetime() throws {
        let data = try GeneratedDataSet(customers: 1_000)
        let outside = data.rowsOutsideCustomerLifetime(data.orders, timeColumn: 2)
        #expect(outside.isEmpty, "\(outside.prefix(3))")
    }

    @Test("every interaction belongs to a known customer and lies between its created_at and as-of")
    func interactionsWithinCustomerLifetime() throws {
        let data = try GeneratedDataSet(customers: 1_000)
        let outside = data.rowsOutsideCustomerLifetime(data.interactions, timeColumn: 3)
        #expect(outside.isEmpty, "\(outside.prefix(3))")
    }

    @Test("every interaction kind is one the importer knows")
    func interactionKinds() throws {
        let data = try GeneratedDataSet(customers: 1_000)
        let kinds = Set(data.interactions.map { $0[2] })
        #expect(kinds == ["email_open", "email_click", "page_view", "inquiry", "call", "feedback"])
    }

    @Test("customer attributes come in the documented shapes")
    func customerAttributeShapes() throws {
        let data = try GeneratedDataSet(customers: 1_000)
        let sizes: Set = ["", "1-10", "11-50", "51-200", "201-1000", "1000+"]
        for customer in data.customers {
            #expect(["", "F", "M"].contains(customer[4]), "gender \(customer[4])")
            #expect(
                customer[5].isEmpty || customer[5].wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil,
                "birth_date \(customer[5])")
            #expect(sizes.contains(customer[8]), "company_size \(customer[8])")
            #expect(
                customer[2].isEmpty
                    || customer[2].hasSuffix("\(customer[0])@\(customer[2].split(separator: "@").last ?? "")"))
        }
        #expect(data.customers.contains { $0[1].contains(",") }, "some names need quoting")
        #expect(data.customers.contains { $0[1].contains { !$0.isASCII } }, "some names are not ASCII")
    }

    @Test("zero customers writes files with only their headers")
    func zeroCustomers() throws {
        let data = try GeneratedDataSet(customers: 0)
        #expect(data.counts == GeneratedCounts(customers: 0, orders: 0, interactions: 0))
        #expect(data.customers.isEmpty && data.orders.isEmpty && data.interactions.isEmpty)
    }
}
