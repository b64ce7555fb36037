import Foundation

/// Customers who look like the same person: the same normalised email or phone.
enum DuplicateContacts {
    /// Email: trimmed and lower-cased. Phone: its digits, a leading `00` read as `+`; fewer than
    /// seven digits is no phone. Examples are groups written `1=7`.
    static func find(in database: CRMDatabase) throws -> (email: QualityCount, phone: QualityCount) {
        var emails: [String: [String]] = [:]
        var phones: [String: [String]] = [:]
        try database.customerContacts { id, email, phone in
            if let email = email.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }), !email.isEmpty {
                emails[email, default: []].append(id)
            }
            if let phone = phone.map(normalisedPhone), phone.count >= 7 { phones[phone, default: []].append(id) }
        }
        return (count(emails), count(phones))
    }

    static func normalisedPhone(_ text: String) -> String {
        let digits = String(text.filter(\.isASCII).filter(\.isNumber))
        return digits.hasPrefix("00") ? String(digits.dropFirst(2)) : digits
    }

    private static func count(_ groups: [String: [String]]) -> QualityCount {
        let shared = groups.values.filter { $0.count > 1 }.sorted { CustomerIDOrder.precedes($0[0], $1[0]) }
        return QualityCount(
            count: shared.reduce(0) { $0 + $1.count }, examples: shared.prefix(CRMDatabase.qualityExamples).map { $0.joined(separator: "=") })
    }
}
