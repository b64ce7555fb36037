import CLua

/// Writes Swift values into a state's staging area, from which C pushes them onto the Lua
/// stack (pushing allocates and may raise, which must never happen in a Swift frame).
struct LuaStager {
    /// Why a value could not be staged.
    struct Refusal: Error {
        var message: String
    }

    static let maximumDepth = 64

    let stage: UnsafeMutablePointer<crm_stage>
    let state: LuaState

    /// Clears the stage and adds `values` as top-level values.
    func stage(_ values: [LuaValue]) throws(Refusal) {
        crm_stage_reset(stage)
        for value in values { try add(value, depth: 0) }
    }

    private func add(_ value: LuaValue, depth: Int) throws(Refusal) {
        guard depth < Self.maximumDepth else {
            throw Refusal(message: "value nested deeper than \(Self.maximumDepth) levels")
        }
        switch value {
        case .nil: try slot(CRM_NIL)
        case .boolean(let flag): try slot(CRM_BOOLEAN, integer: flag ? 1 : 0)
        case .integer(let number): try slot(CRM_INTEGER, integer: number)
        case .number(let number): try slot(CRM_NUMBER, number: number)
        case .string(var text):
            let status = text.withUTF8 { crm_stage_add_string(stage, $0.baseAddress, $0.count) }
            guard status == 0 else { throw Refusal(message: "out of memory staging a string") }
        case .function(let function):
            guard function.state === state else {
                throw Refusal(message: "function belongs to another Lua state")
            }
            try slot(CRM_REF, integer: Int64(function.reference))
        case .table(let fields):
            let index = try slot(CRM_TABLE)
            crm_stage_set_count(stage, index, Int32(fields.count))
            for (key, value) in fields {
                try add(key, depth: depth + 1)
                try add(value, depth: depth + 1)
            }
        }
    }

    @discardableResult
    private func slot(_ type: Int, integer: Int64 = 0, number: Double = 0) throws(Refusal) -> Int64 {
        let index = crm_stage_add(stage, Int32(type), integer, number)
        guard index >= 0 else { throw Refusal(message: "out of memory staging a value") }
        return index
    }
}
