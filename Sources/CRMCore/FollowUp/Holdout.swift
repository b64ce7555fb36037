/// The deterministic share of customers an action holds out: a hash of the action and the
/// customer id mapped to [0, 1), so the same customer is always treated or always held out.
enum Holdout {
    static func position(action: String, customerID: String) -> Double {
        // FNV-1a over the bytes, then the splitmix64 finalizer to spread nearby ids.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in action.utf8 + [0] + customerID.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }

    static func isHeldOut(action: String, customerID: String, share: Double) -> Bool {
        share > 0 && position(action: action, customerID: customerID) < share
    }
}
