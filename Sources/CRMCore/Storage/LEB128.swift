/// Unsigned LEB128 varints (seven bits a byte, the low ones first, the high bit set on every
/// byte but the last): how activity digests (`ActivityDigest`) and an import's sorted runs
/// (`SortedRuns`) store integers. A value takes at most 10 bytes.
enum LEB128 {
    /// Appends `value` to `bytes`.
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Stores `value` at `offset` of `bytes`, which must have room for it, and moves `offset`
    /// past it.
    @inline(__always)
    static func store(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer, at offset: inout Int) {
        var value = value
        while value >= 0x80 {
            bytes[offset] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            offset += 1
        }
        bytes[offset] = UInt8(value)
        offset += 1
    }

    /// The value at `offset` of `bytes`, moving `offset` past it; nil when `bytes` ends inside
    /// it or it runs past 64 bits.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count && shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
