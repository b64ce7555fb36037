import Testing

@testable import CRMCore

/// Deterministic garbage through every parser: each must return or throw, never trap or hang.
@Suite("Robustness against random input")
struct RobustnessTests {
    /// A tiny linear congruential generator: the same inputs on every run.
    private struct Noise {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    private static let valueAlphabet = Array("0123456789-+.:TZ ,e".utf8) + [0xC3, 0xA9, 0x0A]
    private static let csvAlphabet: [UInt8] = Array("a1, \"\n\r".utf8) + [0xC3, 0xA9, 0xFF]

    /// Mostly well-formed values with a few bytes changed, so the deep branches are reached.
    private func mutatedValue(_ noise: inout Noise) -> [UInt8] {
        let seeds = ["2024-02-29T23:59:59.123456789+14:00", "2023-12-31", "-92233720368547758.08", "12.30", "007"]
        var bytes = Array(seeds[noise.next(seeds.count)].utf8)
        for _ in 0 ..< noise.next(4) {
            let position = noise.next(bytes.count + 1)
            let byte = Self.valueAlphabet[noise.next(Self.valueAlphabet.count)]
            switch noise.next(3) {
            case 0: bytes.insert(byte, at: position)
            case 1 where position < bytes.count: bytes.remove(at: position)
            default: if position < bytes.count { bytes[position] = byte }
            }
        }
        return bytes
    }

    @Test("value parsers return or throw on mutated input, and accepted timestamps format back")
    func valueParsers() {
        var noise = Noise(state: 7)
        var accepted = 0
        var mismatches: [String] = []
        for _ in 0 ..< 50_000 {
            let bytes = mutatedValue(&noise)
            bytes.withUnsafeBytes { raw in
                if let t = try? Timestamp.parse(raw) {
                    accepted += 1
                    if (try? Timestamp.parse(t.iso8601)) != t { mismatches.append(String(decoding: raw, as: UTF8.self)) }
                }
                _ = try? CalendarDate.parse(raw)
                _ = try? ValueParsers.parseInteger(raw)
                for scale in [0, 2, 18] {
                    if let units = try? Money.parseMinorUnits(raw, scale: scale),
                        (try? Money.parseMinorUnits(Money.formatMinorUnits(units, scale: scale), scale: scale)) != units
                    {
                        mismatches.append(String(decoding: raw, as: UTF8.self))
                    }
                }
            }
        }
        #expect(accepted > 1000)
        #expect(mismatches.isEmpty)
    }

    @Test("the CSV reader ends on random bytes, always moving forward")
    func csvReader() throws {
        var noise = Noise(state: 11)
        for _ in 0 ..< 3000 {
            let length = noise.next(60)
            let bytes = (0 ..< length).map { _ in Self.csvAlphabet[noise.next(Self.csvAlphabet.count)] }
            guard let reader = try? CSVReader(bytes: bytes, name: "noise.csv") else { continue }
            var calls = 0
            reading: while calls <= length + 1 {
                calls += 1
                do {
                    guard let record = try reader.next() else { break reading }
                    #expect(record.count == reader.header.count)
                    _ = record.strings
                } catch {
                    if error.isFatal { #expect(try reader.next() == nil) }
                }
            }
            #expect(calls <= length + 1, "no progress on \(bytes)")
        }
    }
}
