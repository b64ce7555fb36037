/// A Lua error message split into its `chunk:line:` position and the rest.
struct LuaErrorMessage {
    var line: Int?
    var message: String

    /// Splits at the first `:<digits>: ` that ends a position Lua wrote: the text before it is
    /// one of `chunks` (the state's chunk names) or a `[string "…"]` chunk. Messages without a
    /// position are kept whole, also when they quote one further on ("cannot read x.lua:3: …").
    init(_ text: String, chunks: [String] = []) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), Self.isChunk(bytes[..<index], chunks: chunks) {
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

    private static func isChunk(_ prefix: ArraySlice<UInt8>, chunks: [String]) -> Bool {
        if chunks.isEmpty { return true }
        if prefix.starts(with: "[string \"".utf8) && prefix.last == UInt8(ascii: "]") { return true }
        // Lua shortens a long chunk name to "...<its end>" (LUA_IDSIZE); a host may print `=name`.
        let shortened = prefix.starts(with: "...".utf8) ? prefix.dropFirst(3) : nil
        return chunks.contains { chunk in
            chunk.utf8.elementsEqual(prefix) || ("=" + chunk).utf8.elementsEqual(prefix)
                || shortened.map { !$0.isEmpty && Array(chunk.utf8).suffix($0.count).elementsEqual($0) } == true
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
