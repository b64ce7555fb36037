import Foundation
import Testing

@Suite("crm init --timezone and plugin-declared interaction kinds, from the command line")
struct BusinessTimeZoneTests {
    @Test("the zone is stored, shown by customer show and counts recency days; a bad zone changes nothing")
    func timeZone() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let bad = try crm.run("init", "--timezone", "Asia/Shangai")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\"Asia/Shangai\" is not an IANA time zone name"), "\(bad.stderr)")
        #expect(bad.stderr.contains("did you mean Asia/Shanghai?"), "\(bad.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: crm.directory).isEmpty, "a failed init leaves no database")

        let created = try crm.run("init", "--timezone", "Asia/Shanghai")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("time zone Asia/Shanghai"), "\(created.stdout)")
        try crm.write("c.csv", "id,name\n1,Li\n")
        try crm.write("o.csv", "id,customer_id,ordered_at,amount\n1,1,2024-12-31T20:00:00Z,10.00\n")
        #expect(try crm.run("import", "customers", "c.csv").status == 0)
        #expect(try crm.run("import", "orders", "o.csv").status == 0)
        let shown = try crm.run("customer", "show", "1", "--format", "json")
        #expect(shown.stdout.contains("\"time_zone\": \"Asia/Shanghai\""), "\(shown.stdout)")

        // Changing it on the existing database with a bad name keeps the stored one.
        #expect(try crm.run("init", "--timezone", "CST").status != 0)
        #expect(try crm.run("customer", "show", "1").stdout.contains("Asia/Shanghai"))
        // Without --timezone an existing database keeps its zone.
        #expect(try crm.run("init").stdout.contains("time zone Asia/Shanghai"))

        // 20:00 UTC on 31 December is 04:00 on 1 January in Shanghai: ordered "today" at noon.
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        try crm.write("plugins/days.lua", """
            return {
              name = "days", version = "1.0.0", description = "recency in calendar days",
              profile = {},
              segmentations = {
                today = {
                  segments = { "Today", "Earlier" },
                  classify = function(c, p)
                    if c.recency_days == 0 then return "Today", "ordered on " .. p.as_of_date end
                    return "Earlier", tostring(c.recency_days) .. " days ago"
                  end,
                },
              },
            }
            """)
        let run = try crm.run("segment", "run", "today", "--as-of", "2025-01-01T04:00:00Z", "--plugins", "plugins")
        #expect(run.status == 0, "\(run.stderr)")
        let members = try crm.run("segment", "members", "today", "--plugins", "plugins", "--format", "csv")
        #expect(members.stdout.contains("Today") && members.stdout.contains("ordered on 2025-01-01"), "\(members.stdout)")
    }

    @Test("an interaction kind a loaded plugin declares is imported; one nobody declares is refused with the known kinds")
    func declaredKind() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        #expect(try crm.run("init").status == 0)
        try crm.write("c.csv", "id,name\n1,Li\n")
        try crm.write("i.csv", "id,customer_id,kind,occurred_at\n1,1,webinar,2024-12-30T10:00:00Z\n")
        #expect(try crm.run("import", "customers", "c.csv").status == 0)
        let refused = try crm.run("import", "interactions", "i.csv")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("i.csv:2: column 'kind': \"webinar\" is not a known interaction kind (known: call, consultation"), "\(refused.stderr)")
        try FileManager.default.createDirectory(atPath: crm.path("plugins"), withIntermediateDirectories: true)
        try crm.write("plugins/webinars.lua", """
            return {
              name = "webinars", version = "1.0.0", description = "webinar attendance",
              profile = { kinds = { "webinar" }, by_kind = { webinar = { 30 } } },
              segmentations = {
                attended = {
                  segments = { "Attended", "Not" },
                  classify = function(c, p)
                    if c.webinar_30d > 0 then return "Attended", c.webinar_30d .. " webinars in 30 days" end
                    return "Not", "no webinar in 30 days"
                  end,
                },
              },
            }
            """)
        let imported = try crm.run("import", "interactions", "i.csv", "--plugins", "plugins")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try crm.run("segment", "run", "attended", "--as-of", "2025-01-01", "--plugins", "plugins").status == 0)
        let members = try crm.run("segment", "members", "attended", "--plugins", "plugins", "--format", "csv").stdout
        #expect(members.contains("Attended") && members.contains("1 webinars in 30 days"), "\(members)")
        let info = try crm.run("plugin", "info", "webinars", "--plugins", "plugins").stdout
        #expect(info.contains("profile      webinar_30d; kinds webinar"), "\(info)")

        // A kind that clashes with a built-in one is refused at load, naming the plugin file and key.
        try crm.write("plugins/webinars.lua", try String(contentsOfFile: crm.path("plugins/webinars.lua"), encoding: .utf8)
            .replacingOccurrences(of: "kinds = { \"webinar\" }", with: "kinds = { \"webinar\", \"call\" }"))
        let clash = try crm.run("plugin", "list", "--plugins", "plugins")
        #expect(clash.status != 0)
        let output = clash.stdout + clash.stderr
        #expect(output.contains("webinars.lua:3: profile.kinds[2]: 'call' is a built-in interaction kind"), "\(output)")
    }
}
