import Foundation
import Testing

@Suite("Backdated segment runs: refused unless --rewind, and customers who did not exist yet are not in the population")
struct BackdatedRunTests {
    @Test("an as-of earlier than the latest run is refused with a pointer to --dry-run, the backtest and --rewind; nothing changes")
    func refused() throws {
        let crm = try NamesAndRangesTests.segmented()
        defer { crm.remove() }
        let before = try crm.run("segment", "members", "rfm", "--format", "csv").stdout
        let refused = try crm.run("segment", "run", "rfm", "--as-of", "2021-01-01")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("segmentation 'rfm' was last run as of 2025-01-01T00:00:00Z, later than 2021-01-01T00:00:00Z: use --dry-run"), "\(refused.stderr)")
        #expect(refused.stderr.contains("or --rewind"))
        #expect(refused.stderr.contains("crm segment backtest rfm --as-of 2021-01-01T00:00:00Z --window 90d"))
        #expect(try crm.run("segment", "members", "rfm", "--format", "csv").stdout == before)
        // The same or a later as-of is a normal run.
        #expect(try crm.run("segment", "run", "rfm", "--as-of", "2025-01-01").status == 0)
        let dry = try crm.run("segment", "run", "rfm", "--as-of", "2021-01-01", "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("as of 2021-01-01T00:00:00Z: 10 customers"), "\(dry.stdout)")
    }

    @Test("--rewind rewrites the memberships as of the earlier date: customers created after it leave the segmentation")
    func rewind() throws {
        let crm = try NamesAndRangesTests.segmented()
        defer { crm.remove() }
        let run = try crm.run("segment", "run", "rfm", "--as-of", "2021-01-01", "--rewind")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("as of 2021-01-01T00:00:00Z: 10 customers"), "\(run.stdout)")
        #expect(run.stdout.contains("10 memberships removed: customers created after 2021-01-01T00:00:00Z"))
        let show = try #require(try JSONSerialization.jsonObject(with: Data(try crm.run("segment", "show", "rfm", "--format", "json").stdout.utf8)) as? [[String: Any]])
        #expect(show.reduce(0) { $0 + ($1["customers"] as? Int ?? 0) } == 10, "segment show agrees with the run")
        let members = try crm.run("segment", "members", "rfm", "--format", "csv").stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(members == ["1", "3", "8", "9", "11", "12", "14", "15", "17", "20"])
    }
}
