import Foundation
import Testing

@testable import Gateway

@Suite("store: random message ids")
struct RandomMessageIdTests {
    @Test("an id is a lowercase version-4 UUID that Foundation reads back the same")
    func isAVersion4UUID() throws {
        for _ in 0..<1_000 {
            let id = RandomMessageId.make()
            #expect(id.count == 36)
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4)
            #expect(bytes[8] >> 6 == 0b10)
        }
    }

    @Test("ids do not repeat")
    func unique() {
        let ids = (0..<10_000).map { _ in RandomMessageId.make() }
        #expect(Set(ids).count == ids.count)
    }
}
