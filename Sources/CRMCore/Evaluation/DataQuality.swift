/// The pitfalls that make segments wrong, counted with a few examples each (`crm quality`):
/// missing key attributes, duplicate-looking customers, implausible order dates, stale
/// customers, stored field values that no longer fit, segmentations older than the last import.
/// Every check is always listed, with 0 when it found nothing.
public struct DataQuality: Sendable {
    public struct Finding: Sendable, Equatable {
        /// A stable key for scripts, such as `duplicate_email`.
        public let check: String
        public let count: Int
        /// Customer, order, field or segmentation ids showing the problem (a few).
        public let examples: [String]
        /// What the check looks for, for people.
        public let description: String
    }

    public let findings: [Finding]

    /// Runs every check; `staleSince` is the instant after which a customer counts as active.
    public static func inspect(
        _ database: CRMDatabase, catalog: PluginCatalog, now: Timestamp = .now(), staleSince: Timestamp
    ) throws -> DataQuality {
        var findings: [Finding] = []
        func add(_ check: String, _ found: QualityCount, _ description: String) {
            findings.append(Finding(check: check, count: found.count, examples: found.examples, description: description))
        }
        let missing = try database.customersMissing()
        add("missing_name", missing.name, "customers without a name")
        add("missing_contact", missing.contact, "customers with neither an email nor a phone")
        add("missing_created_at", missing.createdAt, "customers without a creation date (tenure is guessed from the first order)")
        let duplicates = try DuplicateContacts.find(in: database)
        add("duplicate_email", duplicates.email, "customers sharing an email with another, compared trimmed and lower-cased")
        add("duplicate_phone", duplicates.phone, "customers sharing a phone with another, compared by digits (leading 00 as +)")
        let orders = try database.implausibleOrders(now: now)
        add("order_in_future", orders.future, "orders dated after now")
        add("order_before_customer_created", orders.beforeCustomer, "orders dated before their customer was created")
        add("stale_customer", try database.staleCustomers(since: staleSince), "customers with no order or interaction since \(staleSince.utcDate.iso8601)")
        let fields = try CustomFields(database: database, catalog: catalog).check()
        add(
            "field_value_does_not_fit",
            QualityCount(count: fields.count, examples: fields.prefix(CRMDatabase.qualityExamples).map { "\($0.customerID):\($0.field)" }),
            "stored custom-field values that no longer fit their declaration (see crm field check)")
        let runs = try database.lastRuns()
        let stale = catalog.segmentations.map(\.segmentation.name).filter { name in
            guard let importRun = runs.importRun else { return false }
            return (runs.segmentations[name] ?? 0) < importRun
        }
        add(
            "segmentation_not_run_since_import", QualityCount(count: stale.count, examples: Array(stale.prefix(CRMDatabase.qualityExamples))),
            "segmentations not run since the last import")
        return DataQuality(findings: findings)
    }
}
