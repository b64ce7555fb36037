import Foundation
import Testing

@testable import CRMCore

@Suite("Run kinds and outcomes")
struct RunKindTests {
    @Test("they encode as their stored text, and a kind a newer crm wrote still decodes")
    func codableAsText() throws {
        let encoded = try JSONEncoder().encode([RunKind.followUps, RunKind.import])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["follow-ups","import"]"#)
        let decoded = try JSONDecoder().decode([RunKind].self, from: Data(#"["segmentation","archive"]"#.utf8))
        #expect(decoded == [.segmentation, RunKind(rawValue: "archive")])
        #expect(try JSONDecoder().decode(RunOutcome.self, from: Data(#""succeeded""#.utf8)) == .succeeded)
        #expect("\(RunKind.erasure)" == "erasure")
    }
}
