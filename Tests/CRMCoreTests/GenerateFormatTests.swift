import Foundation
import Testing

@testable import CRMCore

@Suite("SyntheticDataSet formatting and errors")
struct GenerateFormatTests {
    /// Writes one row with `fill` through a real `CSVRowWriter` and returns the text after the header.
    private func row(_ fill: (inout CSVRowWriter) -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crm-row-\(UUID().uuidString).csv")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try CSVRowWriter(path: path, header: "h")
        fill(&writer)
        try writer.endRow()
        try writer.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return String(text.dropFirst(2).dropLast())
    }

    @Test("days since 1970 round-trip through calendar dates, across leap days and before the epoch")
    func civilDateRoundTrip() throws {
        #expect(CalendarDate(daysSinceEpoch: 0) == CalendarDate(year: 1970, month: 1, day: 1))
        #expect(CalendarDate(daysSinceEpoch: -1) == CalendarDate(year: 1969, month: 12, day: 31))
        #expect(try #require(CalendarDate(year: 2000, month: 2, day: 29)).daysSinceEpoch == 11_016)
        #expect(try #require(CalendarDate(year: 2025, month: 1, day: 1)).daysSinceEpoch == 20_089)
        for day in stride(from: -800_000, through: 2_900_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: day).daysSinceEpoch == day)
        }
        #expect(CivilCalendar.day(containingSecond: -1) == -1)
        #expect(CivilCalendar.day(containingSecond: 86_399) == 0)
        #expect(CivilCalendar.day(containingSecond: 86_400) == 1)
    }

    @Test("instants format as ISO-8601 UTC, and an offset shows local time for the same instant")
    func timestamps() throws {
        let instant: Int64 = 1_735_660_800  // 2024-12-31T16:00:00Z
        #expect(try row { $0.timestamp(secondsSinceEpoch: instant) } == "2024-12-31T16:00:00Z")
        #expect(try row { $0.timestamp(secondsSinceEpoch: instant, offsetMinutes: 480) } == "2025-01-01T00:00:00+08:00")
        #expect(
            try row { $0.timestamp(secondsSinceEpoch: instant, offsetMinutes: -300) } == "2024-12-31T11:00:00-05:00")
        #expect(try row { $0.timestamp(secondsSinceEpoch: -1) } == "1969-12-31T23:59:59Z")
    }

    @Test("minor units format as decimals with exactly two digits after the dot")
    func decimals() throws {
        #expect(try row { $0.decimal(minorUnits: 3998, scale: 2) } == "39.98")
        #expect(try row { $0.decimal(minorUnits: 5, scale: 2) } == "0.05")
        #expect(try row { $0.decimal(minorUnits: 0, scale: 2) } == "0.00")
        #expect(try row { $0.decimal(minorUnits: 8_990_000, scale: 2) } == "89900.00")
        #expect(try row { $0.decimal(minorUnits: 42, scale: 0) } == "42")
    }

    @Test("integers format in decimal, including zero, negatives and the extremes")
    func integers() throws {
        #expect(try row { $0.integer(0) } == "0")
        #expect(try row { $0.integer(10_200_000) } == "10200000")
        #expect(try row { $0.integer(-7) } == "-7")
        #expect(try row { $0.integer(.max) } == "9223372036854775807")
        #expect(try row { $0.integer(.min) } == "-9223372036854775808")
    }

    @Test("text fields are quoted only when they hold a comma, quote or line break")
    func quoting() {
        #expect(CSVRowWriter.encode("Café Beans 1kg") == Array("Café Beans 1kg".utf8))
        #expect(CSVRowWriter.encode("Washington, D.C.") == Array("\"Washington, D.C.\"".utf8))
        #expect(CSVRowWriter.encode("Suite 100\nBuilding B") == Array("\"Suite 100\nBuilding B\"".utf8))
        #expect(CSVRowWriter.encode("The \"Classic\" Mug") == Array("\"The \"\"Classic\"\" Mug\"".utf8))
    }

    @Test("a file in the way of the output folder is an error that names the path")
    func folderBlockedByFile() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("crm-blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let target = blocker.appendingPathComponent("out")
        #expect {
            try SyntheticDataSet.write(options: GeneratorOptions(customers: 1), to: target)
        } throws: { error in
            guard case .cannotCreateDirectory(let path, _) = error as? SyntheticDataError else { return false }
            return path == target.path && "\(error)".contains(target.path)
        }
    }

    @Test("an output file that cannot be created is an error that names the file")
    func fileBlockedByFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-out-\(UUID().uuidString)")
        let blocker = directory.appendingPathComponent("orders.csv")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            try SyntheticDataSet.write(options: GeneratorOptions(customers: 1), to: directory)
        } throws: { error in
            guard case .cannotCreateFile(let path, _) = error as? SyntheticDataError else { return false }
            return path == blocker.path
        }
    }

    @Test("a negative number of customers is rejected before anything is written")
    func negativeCustomers() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-none-\(UUID().uuidString)")
        #expect(throws: SyntheticDataError.invalidOptions("the number of customers must be 0 or more, not -1")) {
            try SyntheticDataSet.write(options: GeneratorOptions(customers: -1), to: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("an as-of outside 1990...9000 is rejected")
    func asOfOutOfRange() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-none-\(UUID().uuidString)")
        #expect(throws: SyntheticDataError.self) {
            try SyntheticDataSet.write(options: GeneratorOptions(customers: 1, asOf: 0), to: directory)
        }
    }
}
