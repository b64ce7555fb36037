import Foundation
import Testing

@Suite("The crm command")
struct CommandLineTests {
    @Test("crm --help lists the commands and crm import --help shows examples")
    func help() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let help = try crm.run("--help")
        #expect(help.status == 0)
        for command in ["init", "import", "export", "customer", "runs", "generate", "demo"] {
            #expect(help.stdout.contains("  \(command)"), "missing \(command) in:\n\(help.stdout)")
        }
        let importHelp = try crm.run("import", "--help")
        #expect(importHelp.stdout.contains("crm import orders orders.csv --skip-invalid"))
        #expect(importHelp.stdout.contains("--skip-invalid"))
    }

    @Test("crm --version prints the version")
    func version() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let result = try crm.run("--version")
        #expect(result.status == 0)
        #expect(result.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(result.stdout)")
    }

    @Test("import reads standard input from -, naming it stdin in messages and the run log")
    func importFromStandardInput() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        let good = try crm.run(["import", "customers", "-"], input: Data("id,name\n1,Ann\n2,Bo\n".utf8))
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("Imported customers from stdin: 2 records read, 2 new"), "\(good.stdout)")
        #expect(try crm.run("runs", "--format", "csv").stdout.contains("customers from stdin"))
        let bad = try crm.run(["import", "customers", "-"], input: Data("id,name\n3,Cy\n,Dee\n".utf8))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("stdin:3: column 'id':"), "\(bad.stderr)")
        let noRejects = try crm.run(["import", "customers", "-", "--skip-invalid"], input: Data())
        #expect(noRejects.status == 64)
        #expect(noRejects.stderr.contains("--skip-invalid with - (standard input) needs --rejects FILE"))
        let skipped = try crm.run(["import", "customers", "-", "--skip-invalid", "--rejects", "bad.csv"], input: Data("id,name\n3,Cy\n,Dee\n".utf8))
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(try String(contentsOfFile: crm.path("bad.csv"), encoding: .utf8).hasPrefix("line,reason,id,name\n3,"))
    }

    @Test("a command on a database that does not exist says to run crm init, without a stack trace")
    func missingDatabase() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        let result = try crm.run("customer", "show", "1")
        #expect(result.status != 0)
        #expect(result.stderr.contains("crm.sqlite: no such database; create it with `crm init`"))
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: crm.path("crm.sqlite")))
    }

    @Test("init, import the fixtures, and show a customer as JSON")
    func importAndShow() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        #expect(try crm.run("init", "--currency", "EUR").status == 0)
        for kind in ["customers", "orders", "interactions"] {
            let result = try crm.run("import", kind, CRMProcess.fixture("\(kind)_tricky.csv"))
            #expect(result.status == 0, "\(result.stderr)")
        }
        let show = try crm.run("customer", "show", "2", "--format", "json")
        #expect(show.status == 0, "\(show.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(json["name"] as? String == "王伟")
        #expect(json["orders"] as? Int == 2)
        #expect(json["monetary"] as? Double == 352)
        #expect(show.stdout.contains("\"monetary\": 352.00,"), "money keeps the currency's decimals")
        #expect(json["currency"] as? String == "EUR")
        #expect(json["last_order_at"] as? String == "2024-12-31T12:00:00Z")
    }

    @Test("$CRM_DB chooses the database and --db overrides it")
    func databaseSelection() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        #expect(try crm.run("init", environment: ["CRM_DB": "from-env.sqlite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: crm.path("from-env.sqlite")))
        #expect(try crm.run("init", "--db", "from-flag.sqlite", environment: ["CRM_DB": "from-env.sqlite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: crm.path("from-flag.sqlite")))
    }

    @Test("a bad file exits non-zero, lists file:line: column problems on stderr and writes nothing")
    func badImport() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        try crm.run("import", "customers", CRMProcess.fixture("customers_tricky.csv"))
        try crm.write("orders.csv", "id,customer_id,ordered_at,amount\n1,1,2024-01-01,\"1,50\"\n2,1,2024-01-01,2.00\n")
        let result = try crm.run("import", "orders", "orders.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("orders.csv:2: column 'amount': \"1,50\" is not a decimal number"), "\(result.stderr)")
        let export = try crm.run("export", "orders")
        #expect(export.stdout == "id,customer_id,ordered_at,product,category,quantity,unit_price,amount\n")
    }

    @Test("--skip-invalid imports the good records and names the rejects file")
    func skipInvalid() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        try crm.run("import", "customers", CRMProcess.fixture("customers_tricky.csv"))
        try crm.write("orders.csv", "id,customer_id,ordered_at,amount\n1,1,2024-01-01,\"1,50\"\n2,1,2024-01-01,2.00\n")
        let result = try crm.run("import", "orders", "orders.csv", "--skip-invalid", "--rejects", "bad.csv")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 new, 0 updated, 1 rejected"))
        let rejects = try String(contentsOfFile: crm.path("bad.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("line,reason,id,customer_id,ordered_at,amount\n2,"))
    }

    @Test("export writes CSV that imports back to the same records, and JSON")
    func exportRoundTrip() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        for kind in ["customers", "orders", "interactions"] {
            try crm.run("import", kind, CRMProcess.fixture("\(kind)_tricky.csv"))
        }
        for kind in ["customers", "orders", "interactions"] {
            #expect(try crm.run("export", kind, "--output", "\(kind).csv").status == 0)
        }
        #expect(try crm.run("init", "--db", "copy.sqlite").status == 0)
        for kind in ["customers", "orders", "interactions"] {
            let result = try crm.run("import", kind, "\(kind).csv", "--db", "copy.sqlite")
            #expect(result.status == 0, "\(result.stderr)")
        }
        for kind in ["customers", "orders", "interactions"] {
            #expect(try crm.run("export", kind).stdout == crm.run("export", kind, "--db", "copy.sqlite").stdout)
        }
        let json = try crm.run("export", "orders", "--format", "json")
        let orders = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(orders.count == 26)
        #expect(orders.first?["amount"] as? Double == 20)
        #expect(orders.first?["currency"] as? String == "USD")
    }

    @Test("crm runs lists imports with their outcome")
    func runsList() throws {
        let crm = try CRMProcess()
        defer { crm.remove() }
        try crm.run("init")
        try crm.run("import", "customers", CRMProcess.fixture("customers_tricky.csv"))
        let result = try crm.run("runs", "--format", "csv")
        #expect(result.stdout.split(separator: "\n").count == 2)
        #expect(result.stdout.contains(",import,customers from "))
        #expect(result.stdout.contains(",succeeded,20,20,0,0,"))
    }
}
