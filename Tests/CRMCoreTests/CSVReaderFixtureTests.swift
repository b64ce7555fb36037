import Testing

@testable import CRMCore

@Suite("CSV reader on the tricky fixtures")
struct CSVReaderFixtureTests {
    private func customers() throws -> [(line: Int, fields: [[UInt8]])] {
        try CSVTestSupport.records(CSVReader(path: CSVTestSupport.fixturePath("customers_tricky.csv")))
    }

    private func orders() throws -> [(line: Int, fields: [[UInt8]])] {
        try CSVTestSupport.records(CSVReader(path: CSVTestSupport.fixturePath("orders_tricky.csv")))
    }

    private func customer(_ id: String, in records: [(line: Int, fields: [[UInt8]])]) throws -> [[UInt8]] {
        try #require(records.first { $0.fields[0] == Array(id.utf8) }).fields
    }

    @Test("the customers fixture has 20 records and its header without the byte-order mark")
    func customersCount() throws {
        let reader = try CSVReader(path: CSVTestSupport.fixturePath("customers_tricky.csv"))
        #expect(reader.header.names == [
            "id", "name", "email", "phone", "gender", "birth_date", "city", "industry", "company_size", "occupation",
            "created_at",
        ])
        #expect(try CSVTestSupport.records(reader).count == 20)
    }

    @Test("the orders fixture has 26 records")
    func ordersCount() throws {
        #expect(try orders().count == 26)
    }

    @Test("the interactions fixture has 10 records")
    func interactionsCount() throws {
        let reader = try CSVReader(path: CSVTestSupport.fixturePath("interactions_tricky.csv"))
        #expect(reader.header.names == ["id", "customer_id", "kind", "occurred_at"])
        #expect(try CSVTestSupport.records(reader).count == 10)
    }

    @Test("a quoted name with doubled quotes is unescaped")
    func doubledQuotes() throws {
        let records = try customers()
        #expect(try customer("3", in: records)[1] == Array(#"Robert "Bob" O'Brien"#.utf8))
        #expect(try customer("15", in: records)[1] == Array(#""Quoted""#.utf8))
    }

    @Test("a CRLF inside a quoted field is kept exactly")
    func quotedCRLF() throws {
        #expect(try customer("8", in: customers())[6] == Array("Suite 100\r\nBuilding B".utf8))
        #expect(try orders()[10].fields[3] == Array("Legal Pad\r\nYellow".utf8))
    }

    @Test("a bare LF inside a quoted field is kept exactly")
    func quotedLF() throws {
        #expect(try customer("4", in: customers())[9] == Array("Owner\nand founder".utf8))
        #expect(try orders()[2].fields[3] == Array("Multi\nline product".utf8))
    }

    @Test("records report the physical line where they start")
    func startLines() throws {
        let lines = try customers().map(\.line)
        // Customers 4 and 8 span two lines each.
        #expect(lines == [2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
    }

    @Test("the 305-character name is read whole")
    func longName() throws {
        let name = try customer("18", in: customers())[1]
        #expect(String(decoding: name, as: UTF8.self).count == 305)
    }

    @Test("a decomposed accent keeps its bytes (no normalization)")
    func nfdBytes() throws {
        #expect(try customer("19", in: customers())[1] == Array("Combining e\u{301} (NFD)".utf8))
        #expect(try customer("19", in: customers())[1].contains(0xCC))
    }

    @Test("a record with only id and created_at has nine empty fields in between")
    func mostlyEmptyRecord() throws {
        let fields = try customer("6", in: customers())
        #expect(fields.count == 11)
        let middleEmpty = fields[1 ... 9].allSatisfy { $0.isEmpty }
        #expect(middleEmpty)
        #expect(fields[10] == Array("2024-01-01T00:00:00Z".utf8))
    }

    @Test("NULL, NA and null stay text")
    func nullWords() throws {
        let fields = try customer("16", in: customers()).map { String(decoding: $0, as: UTF8.self) }
        #expect(fields[3] == "NULL")
        #expect(fields[6] == "NA")
        #expect(fields[9] == "null")
    }

    @Test("spaces around unquoted fields are kept")
    func paddedFields() throws {
        let fields = try customer("7", in: customers())
        #expect(fields[1] == Array("  Padded Name  ".utf8))
        #expect(fields[6] == Array(" Austin ".utf8))
    }

    @Test("CJK, Arabic and emoji text is read unchanged")
    func nonLatinText() throws {
        let records = try customers()
        #expect(try customer("2", in: records)[1] == Array("王伟".utf8))
        #expect(try customer("5", in: records)[1] == Array("Zoë 🎉 Ångström".utf8))
        #expect(try customer("11", in: records)[1] == Array("محمد علي".utf8))
    }

    @Test("every timestamp in the fixtures parses")
    func everyTimestampParses() throws {
        let files = [("customers_tricky.csv", "created_at"), ("orders_tricky.csv", "ordered_at"), ("interactions_tricky.csv", "occurred_at")]
        var parsed = 0
        for (file, column) in files {
            let reader = try CSVReader(path: CSVTestSupport.fixturePath(file))
            let index = try #require(reader.header.index(of: column))
            while let record = try reader.next() {
                _ = try Timestamp.parse(record[index].bytes)
                parsed += 1
            }
        }
        #expect(parsed == 56)
    }

    @Test("every amount, unit price and quantity in the orders fixture parses")
    func everyOrderNumberParses() throws {
        let reader = try CSVReader(path: CSVTestSupport.fixturePath("orders_tricky.csv"))
        var total: Int64 = 0
        while let record = try reader.next() {
            let quantity = try ValueParsers.parseInteger(record[5].bytes)
            let unitPrice = try Money.parseMinorUnits(record[6].bytes, scale: 2)
            let amount = try Money.parseMinorUnits(record[7].bytes, scale: 2)
            #expect(quantity * unitPrice == amount, "order line \(record.line)")
            total += amount
        }
        #expect(total == 120_765)
    }

    @Test("birth dates parse except the literal NULL, which is text and not a date")
    func birthDates() throws {
        let reader = try CSVReader(path: CSVTestSupport.fixturePath("customers_tricky.csv"))
        var rejected: [String] = []
        while let record = try reader.next() {
            do {
                _ = try CalendarDate.parse(record[5].bytes)
            } catch .empty {
                continue
            } catch {
                rejected.append(record[0].string + ": " + error.description)
            }
        }
        #expect(rejected == [#"16: "NULL" is not a date (expected YYYY-MM-DD)"#])
    }

    @Test("customer 17's two orders compare as instants, not as text")
    func customer17() throws {
        let records = try orders()
        let order25 = try Timestamp.parse(String(decoding: records[24].fields[2], as: UTF8.self))
        let order26 = try Timestamp.parse(String(decoding: records[25].fields[2], as: UTF8.self))
        // As text, 2024-12-21T09:00:00+10:00 sorts after 2024-12-21T00:30:00Z; as instants it is before.
        #expect(order26 < order25)
        #expect(order26.iso8601 == "2024-12-20T23:00:00Z")
        let asOf = try Timestamp.parse("2025-01-01T00:00:00Z")
        #expect(max(order25, order26).days(until: asOf) == 11)
    }

    @Test("an offset moves an order to the previous UTC date")
    func offsetChangesDate() throws {
        let order12 = try Timestamp.parse(String(decoding: try orders()[11].fields[2], as: UTF8.self))
        #expect(order12.utcDate == CalendarDate(year: 2024, month: 5, day: 4))
    }
}
