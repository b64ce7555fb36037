/// The types a custom field can declare.
public enum FieldType: String, Sendable, CaseIterable {
    case string
    case integer
    case decimal
    case boolean
    case date
    case enumeration = "enum"
}
