import Vocabulary

extension Direction {
    /// The glyph reports and listings show for the direction: ↑, ↓ or · (descriptive).
    public var arrow: String {
        switch self {
        case .higherIsBetter: "↑"
        case .lowerIsBetter: "↓"
        case .neutral: "·"
        }
    }
}
