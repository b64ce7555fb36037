import Foundation
import LuaBridge
import Testing

@testable import CRMCore

/// Each built-in plugin on the fixture data at 2025-01-01, checked by hand against the rules.
@Suite("Built-in plugins")
struct BuiltInPluginTests {
    @Test("rfm reproduces expected_rfm_tricky.csv for every customer")
    func rfmMatchesExpectedTable() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("rfm", sandbox: sandbox)
        let expected = try ProfileTests.expectedRFM()
        #expect(members.count == 20)
        for (id, row) in expected {
            #expect(members[id]?.segment == row["segment"], "customer \(id)")
        }
        #expect(members["1"]?.reason == "R5 F5 M4: last order 2 days ago, 3 orders, 61.47 spent")
    }

    @Test("every built-in plugin loads and passes its own examples")
    func examplesPass() throws {
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn, Plugins.examples])
        #expect(catalog.failures.isEmpty, "\(catalog.failures)")
        #expect(Set(catalog.plugins.map(\.name)) == ["rfm", "value_tiers", "lifecycle", "engagement", "vip", "purchase_cycle", "lookalike", "fields", "churn_risk", "playbooks", "routines", "public_pool"])
        for plugin in catalog.plugins {
            let check = PluginCheck.run(plugin)
            for example in check.examples where !example.passed {
                Issue.record("\(plugin.file) \(example.segmentation) example \(example.number): expected \(example.expected), got \(example.actual ?? example.error ?? "nil")")
            }
            #expect(plugin.unreachableSegments().isEmpty, "\(plugin.file): \(plugin.unreachableSegments())")
            // Every segmentation example shows a reason, from classify or from explain.
            let segmentations = Set(plugin.definition.segmentations.map(\.name))
            for example in check.examples where segmentations.contains(example.segmentation) {
                #expect(example.reason?.isEmpty == false, "\(plugin.file) \(example.segmentation) example \(example.number) has no reason")
            }
        }
    }

    @Test("every built-in segmentation leaves its reason to explain, so a run formats no text")
    func reasonsOnlyWhenShown() throws {
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        var segmentations = 0
        for plugin in catalog.plugins {
            for segmentation in plugin.definition.segmentations {
                segmentations += 1
                #expect(segmentation.explain != nil, "\(plugin.file) \(segmentation.name) has no explain")
                for (index, example) in segmentation.examples.enumerated() {
                    var customer = PluginCheck.blankCustomer(of: plugin)
                    for (key, value) in example.customer { customer[.string(key)] = value }
                    let params = PopulationInputs.exampleParams(segmentation, plugin: plugin, params: example.params)
                    let answer = try plugin.state.call(segmentation.classify, [.table(customer), params])
                    #expect(answer.map(\.stringValue) == [example.segment], "\(segmentation.name) example \(index + 1): \(answer)")
                }
            }
        }
        #expect(segmentations == 8)
    }

    @Test("lifecycle: new, active, dormant, churned and prospect customers")
    func lifecycle() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("lifecycle", sandbox: sandbox)
        #expect(members["5"]?.segment == "New")  // first and only order 2024-12-31
        #expect(members["13"]?.segment == "New")  // first order 20 days ago
        #expect(members["1"]?.segment == "Active")  // last order 2 days ago, 59-day gap before it
        #expect(members["4"]?.segment == "Active")  // 82 days ago
        #expect(members["8"]?.segment == "Dormant")  // 178 days ago
        #expect(members["3"]?.segment == "Churned")  // 717 days ago
        #expect(members["6"]?.segment == "Prospect")
        #expect(members["8"]?.reason == "no order for 178 days")
    }

    @Test("value tiers: top spenders bringing half the revenue are high value; buying patterns")
    func valueTiers() throws {
        let sandbox = try Sandbox()
        let tiers = try Plugins.segments("value_tier", sandbox: sandbox)
        // Revenue 1207.65: customer 2 (352.00) and 11 (240.00) bring 49%.
        #expect(tiers["2"]?.segment == "High Value")
        #expect(tiers["11"]?.segment == "High Value")
        #expect(tiers["4"]?.segment == "Medium Value")
        #expect(tiers["20"]?.segment == "Medium Value")  // cumulative 79.4%
        #expect(tiers["5"]?.segment == "Low Value")  // cumulative 83.6%
        #expect(tiers["6"]?.segment == "No Purchases")
        let patterns = try Plugins.segments("buying_pattern", sandbox: sandbox)
        #expect(patterns["8"]?.segment == "One-time Bulk")  // one order of 10 legal pads
        #expect(patterns["3"]?.segment == "One-time")
        #expect(patterns["1"]?.segment == "Repeat")
        #expect(patterns["12"]?.segment == "Never Purchased")
    }

    @Test("engagement from weighted interactions in the last 90 days")
    func engagement() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("engagement", sandbox: sandbox)
        #expect(members["1"]?.segment == "Potential Interest")  // open 1 + click 2 = 3
        #expect(members["20"]?.segment == "Potential Interest")  // a call: 4
        #expect(members["2"]?.segment == "Silent")  // one page view: 1
        #expect(members["6"]?.reason == "last interaction 333 days ago")
        #expect(members["7"]?.reason == "no interactions")
    }

    @Test("vip grades value, loyalty and potential")
    func vip() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("vip", sandbox: sandbox)
        #expect(members["11"]?.segment == "Ordinary")
        #expect(members["11"]?.reason == "value A, loyalty B, potential C")
        #expect(members["2"]?.reason == "value A, loyalty B, potential B")
        #expect(members["16"]?.segment == "Prospect")
    }

    @Test("vip: a top spender who is also loyal becomes VIP")
    func vipReached() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        // Customer 2 (value A, 2 orders since 2021) is loyal once two orders are enough.
        try PluginParameters.set(try #require(catalog.plugin(named: "vip")), key: "loyal_orders", text: "2", in: database)
        _ = try SegmentationEngine(database: database, catalog: catalog).run(["vip"], asOf: Plugins.asOf)
        let vips = try SegmentReasons(database: database, catalog: catalog).members(segmentation: "vip", segment: "VIP")
        #expect(vips.map(\.customerID).contains("2"))
        #expect(vips.first { $0.customerID == "2" }?.reason == "value A, loyalty A, potential B")
    }

    @Test("purchase cycle: rhythm, overdue and preferred categories")
    func purchaseCycle() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("purchase_cycle", sandbox: sandbox)
        #expect(members["20"]?.segment == "On Cycle")  // every 185 days, last 8 days ago
        #expect(members["11"]?.segment == "Overdue")  // every day, last 1,826 days ago
        #expect(members["5"]?.segment == "Single Order")
        #expect(members["1"]?.reason == "buys every 106 days, last 2 days ago: next order in about 104 days; prefers Home,Office")
    }

    @Test("lookalike scores only prospects")
    func lookalike() throws {
        let sandbox = try Sandbox()
        let members = try Plugins.segments("lookalike", sandbox: sandbox)
        #expect(members["1"]?.segment == "Customer")
        #expect(members["6"]?.segment == "Unlike")
        #expect(members["6"]?.reason == "resemblance 0.00")
    }

    @Test("lookalike: a prospect with the industry, size and city of a top buyer is a Lookalike")
    func lookalikeReached() throws {
        let sandbox = try Sandbox()
        let database = try Fixture.trickyDatabase(in: sandbox)
        // Like customer 2, a top spender: 制造业, 1000+, 北京; no orders yet.
        let extra = try sandbox.file("more.csv", "id,name,city,industry,company_size\n21,Li Lei,北京,制造业,1000+\n")
        _ = try Importer(database: database).importFile(.customers, path: extra)
        let catalog = PluginCatalog.load(directories: [Plugins.builtIn])
        _ = try SegmentationEngine(database: database, catalog: catalog).run(["lookalike"], asOf: Plugins.asOf)
        let lookalikes = try SegmentReasons(database: database, catalog: catalog).members(segmentation: "lookalike", segment: "Lookalike")
        #expect(lookalikes.map(\.customerID) == ["21"])
        #expect(lookalikes.first?.reason?.hasPrefix("resemblance 0.") == true)
        #expect(lookalikes.first?.reason?.contains("industry 制造业 like") == true)
    }
}
