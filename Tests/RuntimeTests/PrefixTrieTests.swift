@testable import Runtime
import Testing

/// The prefix trie behind `owner ... when idTag matches "PREFIX*"`.
@Suite("prefix trie")
struct PrefixTrieTests {
    func earliest(_ trie: PrefixTrie, _ text: String) -> Int {
        var text = text
        return text.withUTF8 { trie.earliestMatch(utf8: $0) }
    }

    @Test("the earliest rule among every prefix of the text, ignoring ASCII case")
    func earliestOfPrefixes() {
        let trie = PrefixTrie([("FLEET-4", 0), ("FLEET-", 3), ("F", 5), ("EMP-", 1), ("fleet-", 2)])
        #expect(earliest(trie, "FLEET-42") == 0)
        #expect(earliest(trie, "fleet-99") == 2)   // "FLEET-" given twice keeps position 2
        #expect(earliest(trie, "Foo") == 5)
        #expect(earliest(trie, "EMP-00042") == 1)
        #expect(earliest(trie, "EMP") == .max)     // shorter than the prefix
        #expect(earliest(trie, "XYZ") == .max)
        #expect(earliest(trie, "") == .max)
    }

    @Test("an empty prefix (`*`) matches every text, the empty one too")
    func emptyPrefix() {
        let trie = PrefixTrie([("AB", 1), ("", 4)])
        #expect(earliest(trie, "") == 4)
        #expect(earliest(trie, "ABC") == 1)
        #expect(earliest(trie, "Z") == 4)
    }
}
