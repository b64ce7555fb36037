import Testing

@Suite("crm cron next")
struct CronCommandTests {
    @Test("prints the next instants in UTC, one per line")
    func next() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let result = try crm.run("cron", "next", "30 2 * * *", "--tz", "America/New_York", "--after", "2025-03-08T12:00:00Z", "--count", "3")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "2025-03-09T07:00:00Z\n2025-03-10T06:30:00Z\n2025-03-11T06:30:00Z\n")
    }

    @Test("an invalid expression or zone exits non-zero naming the field")
    func invalid() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let month = try crm.run("cron", "next", "0 0 1 13 *")
        #expect(month.status != 0)
        #expect(month.stderr.contains("month: 13 is not in 1-12"))
        #expect(month.stdout.isEmpty)
        let zone = try crm.run("cron", "next", "0 0 * * *", "--tz", "Europe/Atlantis")
        #expect(zone.status != 0)
        #expect(zone.stderr.contains("time zone: \"Europe/Atlantis\""))
        let seconds = try crm.run("cron", "next", "0 0 0 * * *")
        #expect(seconds.status != 0)
        #expect(seconds.stderr.contains("sixth field"))
    }
}
