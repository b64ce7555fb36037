import GRDB

/// The last profile table a run built, kept on disk column by column (issue 13, decision 4), so
/// that the next run, `customer show` or `segment members` reads it instead of building every
/// customer's profile again.
///
/// Tables (migration `issue13-kept-profile`):
/// - `kept_profile`: one row: what the kept table was built for (`key`), the as-of instants it
///   also stands for (`valid_from` ≤ as-of < `valid_until`) and the last change it includes
///   (`through_change`). Its presence turns the change log on.
/// - `kept_profile_columns`: one blob per column, little-endian, the way the table holds it.
/// - `profile_changes`: a log, written by triggers on `customers`, `customer_activity` and
///   `customer_fields`, of every customer whose data changed after a profile was first kept. A
///   kept table is used as it is when no change came after `through_change`, with the changed
///   customers' rows built again when a few did (`ProfileTablePatch`); a run that keeps writes
///   the table it used and clears the log up to what it read (but its last entry, which keeps
///   change numbers growing).
enum KeptProfileStore {
    /// What a kept table must have been built for to stand for a requested one: the format, the
    /// shape, the custom fields, the currency's scale, the business time zone and as-of's local day.
    static func key(shape: ProfileShape, fields: [CustomField], currencyScale: Int, timeZone: BusinessTimeZone, asOfDay: Int) -> String {
        #if _endian(little)
            let byteOrder = "little-endian"
        #else
            let byteOrder = "big-endian"
        #endif
        let fields = fields.map { "\($0.name) \($0.definition.type.rawValue) \($0.definition.defaultValue?.json ?? "-")" }
        return "kept profile 1, \(byteOrder); shape \(shape.fingerprint); fields \(fields.joined(separator: ", ")); scale \(currencyScale); zone \(timeZone.identifier); day \(asOfDay)"
    }

    /// The as-of instants a built table stands for, besides its own: those that include and
    /// exclude exactly the same orders, interactions and customers (with the same local day,
    /// which the key holds).
    struct Validity: Equatable {
        /// The latest time included (an order, an interaction or a sign-up at or before as-of).
        var from: Int64 = .min
        /// The earliest time excluded (after as-of).
        var until: Int64 = .max

        mutating func include(_ time: Int64) { from = max(from, time) }
        mutating func exclude(_ time: Int64) { until = min(until, time) }

        func covers(_ asOf: Timestamp) -> Bool {
            from <= asOf.microsecondsSinceEpoch && asOf.microsecondsSinceEpoch < until
        }
    }

    /// What keeping a table needs: the key and validity it was built for, the last change its data
    /// includes, and whether the kept copy is missing or older than the table.
    struct Ticket {
        let key: String
        let validity: Validity
        var through: Int64
        var needsWrite: Bool

        /// The ticket of a table patched with rows built in a transaction that included every
        /// change up to `through`, with `validity`.
        func patched(validity rebuilt: Validity, through: Int64) -> Ticket {
            Ticket(key: key, validity: Validity(from: max(validity.from, rebuilt.from), until: min(validity.until, rebuilt.until)), through: through, needsWrite: true)
        }

        /// After the table's holder wrote changes `before`+1 … `after` itself (and put them in the
        /// table): the table still includes every change up to `after` if nobody else wrote
        /// between; else it cannot be kept (nil).
        func advanced(from before: Int64, to after: Int64) -> Ticket? {
            guard before == through else { return nil }
            guard after != before else { return self }
            return Ticket(key: key, validity: validity, through: after, needsWrite: true)
        }
    }

    /// Turns the change log on, if a profile was never kept in this database; to be committed
    /// before the read a kept table is built from, so that no change can fall between them.
    static func startChangeLog(_ db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO kept_profile(id, key, valid_from, valid_until, through_change) VALUES (1, '', 0, 0, 0)")
    }

    static func changeLogStarted(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM kept_profile)") ?? false
    }

    /// The number of the last change logged (0 for none): a table built in this transaction
    /// includes every change up to it. Keeping never deletes the last change of the log, so a
    /// number is never given twice without `AUTOINCREMENT` (which measured ~10% slower
    /// imports once a profile is kept).
    static func lastChange(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(seq) FROM profile_changes") ?? 0
    }

    /// SQL selecting the customers changed after the change number bound to `parameter`.
    static func customersChangedAfter(_ parameter: String) -> String {
        "SELECT DISTINCT customer_pk FROM profile_changes WHERE seq > \(parameter)"
    }

    /// What `load` found.
    enum Found {
        /// Nothing kept stands for the request.
        case nothing
        /// The kept table, current.
        case current
        /// The kept table, but these customers changed after the change it includes
        /// (`changedAfter`): their rows must be built again.
        case stale(changed: Set<Int64>, changedAfter: Int64)
    }

    /// Reads the kept table into `table` (which must be empty but for the names of the custom
    /// fields the key lists) when it was built for `key` and stands for `table.asOf`; `stale` when
    /// some customers changed since, unless they are more than `rebuildShare` of the table (then
    /// a build is cheaper and nothing is read).
    static func load(_ db: Database, key: String, into table: inout ProfileTable, rebuildShare: Double = 0.25) throws -> Found {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT key, valid_from, valid_until, through_change FROM kept_profile WHERE id = 1"),
            row[0] as String == key,
            case let validity = Validity(from: row[1], until: row[2]), validity.covers(table.asOf)
        else { return .nothing }
        let through: Int64 = row[3]
        let changed = Set(try Int64.fetchAll(db, sql: customersChangedAfter("?"), arguments: [through]))
        if !changed.isEmpty {
            let customers = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0
            guard Double(changed.count) <= rebuildShare * Double(customers) else { return .nothing }
        }
        var reader = try ColumnReader(db)
        do {
            try table.visitColumns(&reader)
        } catch ColumnReader.Mismatch.column {
            // Written by a build this version does not read the same way: build instead.
            let names = table.customFieldNames
            table = ProfileTable(asOf: table.asOf, currencyScale: table.currencyScale, shape: table.shape, timeZone: table.timeZone)
            table.prepareCustomFields(names)
            return .nothing
        }
        table.keeping = Ticket(key: key, validity: validity, through: through, needsWrite: false)
        guard changed.isEmpty else { return .stale(changed: changed, changedAfter: through) }
        table.origin = .kept
        return .current
    }

    /// Drops the kept table: an erasure must not leave the person's profile in it until the next
    /// run. The change log stays on; the next request builds.
    static func forget(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM kept_profile_columns")
        try db.execute(sql: "UPDATE kept_profile SET key = '' WHERE id = 1")
    }

    /// Keeps `table` (built for `key`, standing for `validity`, from data including every change
    /// up to `through`) unless a table including later changes is kept already.
    static func keep(_ db: Database, _ table: ProfileTable, ticket: Ticket) throws {
        let (key, validity, through) = (ticket.key, ticket.validity, ticket.through)
        let kept = try Int64.fetchOne(db, sql: "SELECT through_change FROM kept_profile WHERE id = 1")
        guard let kept, kept <= through else { return }
        // Only the columns that differ from the kept ones are written (a run that reads the kept
        // profile and recomputes fields changes those fields' columns); the others are compared.
        var writer = try ColumnWriter(db)
        var table = table
        try table.visitColumns(&writer)
        let visited = Set(writer.names)
        for name in try String.fetchAll(db, sql: "SELECT name FROM kept_profile_columns") where !visited.contains(name) {
            try db.execute(sql: "DELETE FROM kept_profile_columns WHERE name = ?", arguments: [name])
        }
        try db.execute(
            sql: "UPDATE kept_profile SET key = ?, valid_from = ?, valid_until = ?, through_change = ? WHERE id = 1",
            arguments: [key, validity.from, validity.until, through])
        // Not the change numbered `through` itself: the log's largest number must stay (`lastChange`).
        try db.execute(sql: "DELETE FROM profile_changes WHERE seq < ?", arguments: [through])
    }

    /// Writes each column as one blob, straight from the table's arrays, unless the kept blob
    /// of that name holds the same bytes.
    private struct ColumnWriter: ProfileColumnVisitor {
        let unchanged: RawStatement
        let upsert: RawStatement
        /// Every column visited.
        private(set) var names: [String] = []

        init(_ db: Database) throws {
            unchanged = try RawStatement(db, sql: "SELECT 1 FROM kept_profile_columns WHERE name = ? AND data = ?")
            upsert = try RawStatement(
                db, sql: "INSERT INTO kept_profile_columns(name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data")
        }

        mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) throws {
            try values.withUnsafeBytes { try write(name, $0) }
        }

        mutating func visit(_ name: String, _ column: inout TextColumn) throws {
            var codes = column.rowCodes
            try visit(name, &codes, perCustomer: 1)
            var texts = column.distinctTexts
            try visit(name + ".texts", texts: &texts)
        }

        mutating func visit(_ name: String, _ column: inout ProfileColumn) throws {
            var kinds = column.kindBytes
            try visit(name, &kinds, perCustomer: 1)
            var payloads = column.rowPayloads
            try visit(name + ".payloads", &payloads, perCustomer: 1)
            var texts = column.distinctTexts
            try visit(name + ".texts", texts: &texts)
        }

        /// Texts as a count, each one's length in bytes (`UInt32`s) and the UTF-8 bytes after.
        mutating func visit(_ name: String, texts: inout [String]) throws {
            var lengths = [UInt32(texts.count)]
            var bytes: [UInt8] = []
            for var text in texts {
                text.withUTF8 { utf8 in
                    lengths.append(UInt32(utf8.count))
                    bytes.append(contentsOf: utf8)
                }
            }
            var packed = [UInt8]()
            lengths.withUnsafeBytes { packed.append(contentsOf: $0) }
            packed.append(contentsOf: bytes)
            try packed.withUnsafeBytes { try write(name, $0) }
        }

        private mutating func write(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
            names.append(name)
            unchanged.reset()
            unchanged.bind(1, name)
            unchanged.bindStatic(2, blob: bytes)
            let same = try unchanged.step()
            unchanged.reset()
            if same { return }
            upsert.bind(1, name)
            upsert.bindStatic(2, blob: bytes)
            try upsert.execute()
        }
    }

    /// Reads each column back, checking that its length fits the table's customers and shape.
    private struct ColumnReader: ProfileColumnVisitor {
        enum Mismatch: Error {
            case column(String)
        }

        let select: RawStatement
        /// Customers, known once `pks` is read.
        var customers: Int?

        init(_ db: Database) throws {
            select = try RawStatement(db, sql: "SELECT data FROM kept_profile_columns WHERE name = ?")
        }

        mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) throws {
            values = try read(name) { bytes in
                let stride = MemoryLayout<Value>.stride
                guard bytes.count % stride == 0 else { throw Mismatch.column(name) }
                let count = bytes.count / stride
                if let customers {
                    guard count == customers * perCustomer else { throw Mismatch.column(name) }
                } else {
                    customers = count
                }
                return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
                    initialized = count
                }
            }
        }

        mutating func visit(_ name: String, _ column: inout TextColumn) throws {
            var codes: [Int32] = []
            try visit(name, &codes, perCustomer: 1)
            var texts: [String] = []
            try visit(name + ".texts", texts: &texts)
            guard let read = TextColumn(rowCodes: codes, distinctTexts: texts) else { throw Mismatch.column(name) }
            column = read
        }

        mutating func visit(_ name: String, _ column: inout ProfileColumn) throws {
            var kinds: [UInt8] = []
            try visit(name, &kinds, perCustomer: 1)
            var payloads: [Int64] = []
            try visit(name + ".payloads", &payloads, perCustomer: 1)
            var texts: [String] = []
            try visit(name + ".texts", texts: &texts)
            guard let read = ProfileColumn(kindBytes: kinds, rowPayloads: payloads, distinctTexts: texts) else { throw Mismatch.column(name) }
            column = read
        }

        mutating func visit(_ name: String, texts: inout [String]) throws {
            texts = try read(name) { bytes in
                func length(_ index: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))) }
                guard bytes.count >= 4 else { throw Mismatch.column(name) }
                let count = length(0)
                var offset = (count + 1) * 4
                guard offset <= bytes.count else { throw Mismatch.column(name) }
                var texts: [String] = []
                texts.reserveCapacity(count)
                for index in 0..<count {
                    let size = length(index + 1)
                    guard offset + size <= bytes.count else { throw Mismatch.column(name) }
                    texts.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size]), as: UTF8.self))
                    offset += size
                }
                return texts
            }
            if name == "ids", let customers, texts.count != customers { throw Mismatch.column(name) }
        }

        private func read<T>(_ name: String, _ decode: (UnsafeRawBufferPointer) throws -> T) throws -> T {
            select.bind(1, name)
            defer { select.reset() }
            guard try select.step() else { throw Mismatch.column(name) }
            return try decode(select.blob(0))
        }
    }
}
