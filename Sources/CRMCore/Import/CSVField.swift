/// One field of a `CSVRecord`: a view of its bytes, already unquoted and unescaped, valid UTF-8.
///
/// No `String` is made unless asked for. Like its record, a field is only valid until the reader's
/// next `next()` call; copy what you keep (`string`, or a parsed value).
///
/// ```swift
/// let cents = try Money.parseMinorUnits(record[amountColumn].bytes, scale: 2)
/// ```
public struct CSVField {
    /// The field's bytes (without surrounding quotes; `""` already turned into `"`).
    public let buffer: UnsafeBufferPointer<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The same bytes as a raw buffer, the input type of the value parsers.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }

    /// Number of bytes.
    public var count: Int { buffer.count }

    /// True when the field has no bytes (`,,` or `""`).
    public var isEmpty: Bool { buffer.isEmpty }

    /// The field as a `String` (allocates). Bytes are kept exactly, e.g. no Unicode normalization.
    public var string: String { String(decoding: buffer, as: UTF8.self) }

    /// Whether the field's bytes equal the UTF-8 of `text` exactly (no normalization).
    public func hasBytes(of text: String) -> Bool {
        buffer.elementsEqual(text.utf8)
    }
}
