import Foundation
import Testing

@Suite("Crash safety")
struct CrashSafetyTests {
    /// Writes an orders file of `count` rows for customers 1...20, fast, without the CSV writer.
    static func writeOrders(_ path: String, count: Int, firstID: Int) throws {
        var text = "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n"
        text.reserveCapacity(count * 70)
        for index in 0..<count {
            let id = firstID + index
            text += "\(id),\(index % 20 + 1),2024-0\(index % 9 + 1)-1\(index % 10)T10:00:00Z,Widget \(index % 97),Home,2,10.00,20.00\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test("SIGKILL in the middle of an import leaves the database exactly as it was before")
    func killDuringImport() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        try crm.run("import", "customers", CRMProcess.fixture("customers_tricky.csv"))
        try crm.run("import", "orders", CRMProcess.fixture("orders_tricky.csv"))
        // The big file updates the fixture's orders 1...26 as well as adding new ones.
        try Self.writeOrders(crm.path("big.csv"), count: 600_000, firstID: 1)
        let before = try crm.run("export", "orders").stdout

        let (process, _, _) = try crm.start(["import", "orders", "big.csv"])
        // Wait until the import has written pages of its transaction, then kill it.
        let deadline = Date().addingTimeInterval(60)
        while Self.fileSize(crm.path("crm.sqlite-wal")) < 4 << 20, process.isRunning, Date() < deadline {
            usleep(2_000)
        }
        #expect(process.isRunning, "the import finished before it could be killed; make the file larger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        #expect(try crm.run("export", "orders").stdout == before)
        let check = try crm.run("import", "orders", CRMProcess.fixture("orders_tricky.csv"))
        #expect(check.status == 0, "the database is usable after the crash: \(check.stderr)")
        #expect(check.stdout.contains("0 new, 26 updated"))
    }
}
