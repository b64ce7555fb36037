/// The three kinds of file `crm import` reads, with their columns.
public enum RecordKind: String, CaseIterable, Sendable {
    case customers
    case orders
    case interactions

    /// The table the records go to.
    var table: String { rawValue }

    /// The columns of the CSV format, in the order `crm export` writes them.
    public var columns: [String] {
        switch self {
        case .customers:
            return [
                "id", "name", "email", "phone", "gender", "birth_date", "city", "industry", "company_size",
                "occupation", "created_at",
            ]
        case .orders:
            return ["id", "customer_id", "ordered_at", "product", "category", "quantity", "unit_price", "amount"]
        case .interactions:
            return ["id", "customer_id", "kind", "occurred_at"]
        }
    }

    /// Columns every file of this kind must have in its header.
    var requiredColumns: [String] {
        switch self {
        case .customers: return ["id"]
        case .orders: return ["id", "customer_id", "ordered_at", "amount"]
        case .interactions: return ["id", "customer_id", "kind", "occurred_at"]
        }
    }
}
