/// The earliest of a set of prefix rules (`idTag matches "PREFIX*"`) that matches a string,
/// ignoring ASCII case, in one walk over the string's bytes.
///
/// Built as ordinary nodes, then frozen into two flat arrays so that a lookup reads them through
/// pointers, with no per-node array to retain: it runs for every message that carries an idTag.
struct PrefixTrie: Sendable {
    /// Per node: the earliest rule position whose prefix ends there (`Int.max`: none), and where
    /// its children's edges are in `edges`.
    private let nodes: [Node]
    /// The edges of every node, a node's together: the child's byte (folded) and its node.
    private let edges: [Edge]

    private struct Node: Sendable {
        var rule: Int
        var firstEdge: Int32
        var edgeCount: Int32
    }

    private struct Edge: Sendable {
        var byte: UInt8
        var node: Int32
    }

    /// A trie of `prefixes`; a prefix given twice keeps its earliest position.
    init(_ prefixes: [(prefix: String, position: Int)]) {
        // Children are short arrays scanned linearly: idTag prefixes fan out to a handful of
        // characters per node, where a scan beats hashing.
        var rules = [Int.max]
        var children: [[Edge]] = [[]]
        for (prefix, position) in prefixes {
            var node = 0
            for byte in prefix.utf8.map(asciiLowercased) {
                if let edge = children[node].first(where: { $0.byte == byte }) {
                    node = Int(edge.node)
                } else {
                    rules.append(.max)
                    children.append([])
                    children[node].append(Edge(byte: byte, node: Int32(rules.count - 1)))
                    node = rules.count - 1
                }
            }
            rules[node] = min(rules[node], position)
        }
        var nodes: [Node] = []
        var edges: [Edge] = []
        for (rule, childEdges) in zip(rules, children) {
            nodes.append(Node(rule: rule, firstEdge: Int32(edges.count), edgeCount: Int32(childEdges.count)))
            edges += childEdges
        }
        self.nodes = nodes
        self.edges = edges
    }

    /// The earliest position among the prefixes of `text` (UTF-8), or `Int.max`.
    func earliestMatch(utf8 text: UnsafeBufferPointer<UInt8>) -> Int {
        nodes.withUnsafeBufferPointer { nodes in
            edges.withUnsafeBufferPointer { edges in
                var node = nodes[0]
                var best = node.rule
                for byte in text {
                    let folded = asciiLowercased(byte)
                    let first = Int(node.firstEdge)
                    guard let edge = (first..<first + Int(node.edgeCount)).first(where: { edges[$0].byte == folded }) else {
                        break
                    }
                    node = nodes[Int(edges[edge].node)]
                    best = min(best, node.rule)
                }
                return best
            }
        }
    }
}
