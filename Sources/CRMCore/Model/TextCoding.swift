/// `Codable` for value types that travel as their strict text form (`Timestamp`, `CalendarDate`):
/// encoding writes the text, decoding parses it with the same rules as an import.
enum TextCoding {
    /// Decodes a single string and parses it; a parse failure becomes `DecodingError.dataCorrupted`.
    static func decode<T>(
        _ decoder: any Decoder, what: String, parse: (String) throws(ValueError) -> T
    ) throws -> T {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            return try parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(what) \(error)")
        }
    }

    /// Encodes `text` as a single string.
    static func encode(_ text: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
