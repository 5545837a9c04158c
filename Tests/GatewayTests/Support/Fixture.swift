/// A YAML fixture whose expected error positions are marked with `↓` right before the character
/// the error must point at. The markers are removed from ``yaml``.
struct Fixture {
    /// A 1-based line and column (in Unicode scalars, as Yams counts).
    struct Position: Equatable, CustomStringConvertible {
        let line: Int
        let column: Int
        var description: String { "\(line):\(column)" }
    }

    let yaml: String
    let markers: [Position]

    init(_ text: String) {
        var lines: [String] = []
        var markers: [Position] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var clean = String.UnicodeScalarView()
            for scalar in line.unicodeScalars {
                if scalar == "↓" {
                    markers.append(Position(line: index + 1, column: clean.count + 1))
                } else {
                    clean.append(scalar)
                }
            }
            lines.append(String(clean))
        }
        self.yaml = lines.joined(separator: "\n")
        self.markers = markers
    }

    /// The only marker; `0:0` if there is not exactly one (so a position check fails).
    var marker: Position { markers.count == 1 ? markers[0] : Position(line: 0, column: 0) }
}
