import OCPP
import Testing

/// The shared "did you mean" rule.
@Suite("Nearest name")
struct NearestNameTests {
    @Test("exact and case-insensitive matches win")
    func exactMatches() {
        #expect(nearestName(to: "Reset", among: ["Reset", "reset"]) == "Reset")
        #expect(nearestName(to: "RESET", among: ["Reset", "Resets"]) == "Reset")
        #expect(nearestName(to: "idTag", among: ["idTag"]) == "idTag")
    }

    @Test("edits within max(2, length / 3) are close enough")
    func threshold() {
        #expect(nearestName(to: "abcd", among: ["abxy"]) == "abxy")
        #expect(nearestName(to: "abcd", among: ["axyz"]) == nil)
        // 12 characters allow 4 edits, not 5.
        #expect(nearestName(to: "abcdefghijkl", among: ["abcdefghwxyz"]) == "abcdefghwxyz")
        #expect(nearestName(to: "abcdefghijkl", among: ["abcdefgvwxyz"]) == nil)
    }

    @Test("a swap of neighbours counts as one edit")
    func transposition() {
        #expect(nearestName(to: "ab", among: ["ba", "xy"]) == "ba")
        #expect(nearestName(to: "Authroize", among: ["Authorize", "Author"]) == "Authorize")
    }

    @Test("the closest candidate wins; ties go to the one sorting first")
    func ordering() {
        #expect(nearestName(to: "Rest", among: ["Resets", "Reset"]) == "Reset")
        #expect(nearestName(to: "cat", among: ["cbt", "cas", "bat"]) == "bat")
        #expect(nearestName(to: "cat", among: ["bat", "cbt", "cas"]) == "bat")
    }

    @Test("no candidates or far candidates give nil")
    func none() {
        #expect(nearestName(to: "anything", among: [String]()) == nil)
        #expect(nearestName(to: "Xyzzy", among: ["Heartbeat", "Reset"]) == nil)
    }

    @Test("works with any sequence of strings")
    func sequences() {
        let set: Set<String> = ["Accepted", "Rejected", "Pending"]
        #expect(nearestName(to: "Acepted", among: set) == "Accepted")
        #expect(nearestName(to: "pendng", among: set.lazy.map { $0 }) == "Pending")
    }
}
