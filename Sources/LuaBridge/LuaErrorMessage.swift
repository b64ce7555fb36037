/// A Lua error message split into its `chunk:line:` position and the rest.
struct LuaErrorMessage {
    var line: Int?
    var message: String

    /// Splits at the first `:<digits>: `; messages without a position are kept whole.
    init(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ":") {
                var end = index + 1
                var number = 0
                while end < bytes.count, let digit = Self.digit(bytes[end]), number < 1 << 40 {
                    number = number * 10 + digit
                    end += 1
                }
                if end > index + 1, end + 1 < bytes.count, bytes[end] == UInt8(ascii: ":"),
                    bytes[end + 1] == UInt8(ascii: " ")
                {
                    line = number
                    message = String(decoding: bytes[(end + 2)...], as: UTF8.self)
                    return
                }
            }
            index += 1
        }
        message = text
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
