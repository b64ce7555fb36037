// Micro-benchmark of the Lua bridge's hot path: a `classify` with a profile argument, called
// through a reused record, as the segmentation engine does a million times per run.
// Run: swift run -c release luabridge-bench [calls]   (not part of the test suite)
import Dispatch
import LuaBridge

struct BenchmarkFailure: Error {
    let message: String
}

let calls = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000_000

func measure(_ label: String, fields: [String], set: (LuaRecord, Int) -> Void) throws {
    let state = try LuaState(name: "plugins/bench.lua")
    guard
        let classify = try state.run(
            "return function(c) if c.order_count == 0 then return 'No Purchases' end return 'Champions', 'reason' end"
        ).first?.functionValue
    else { throw BenchmarkFailure(message: "the benchmark's classify did not compile") }
    let customer = try state.makeRecord(fields: fields)
    let (matched, seconds) = try state.perform { state throws(LuaError) -> (Int, Double) in
        var matched = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<calls {
            set(customer, index)
            if try state.call(classify, record: customer).0 == "Champions" { matched += 1 }
        }
        return (matched, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    guard matched == calls - calls / 4 else { throw BenchmarkFailure(message: "wrong results: \(matched)") }
    let perCall = seconds / Double(calls) * 1e9
    print("\(label): \(Int(Double(calls) / seconds)) calls/s, \(Int(perCall)) ns per call (\(calls) calls)")
}

let rfmFields = ["order_count", "recency_days", "monetary", "r", "f", "m"]
try measure("classify, 6 fields set per call (what rfm reads)", fields: rfmFields) { record, index in
    record.set(0, Int64(index & 3 == 0 ? 0 : 3))
    record.set(1, Int64(index % 365))
    record.set(2, Double(index % 1000) + 0.5)
    record.set(3, Int64(index % 5 + 1))
    record.set(4, Int64(index % 5 + 1))
    record.set(5, Int64(index % 5 + 1))
}
try measure("classify, 1 field set per call", fields: ["order_count"]) { record, index in
    record.set(0, Int64(index & 3 == 0 ? 0 : 3))
}
