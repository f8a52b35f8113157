/// The tool's version. Part of every result's provenance: a result is a function of the
/// input files, the seed and this version.
public enum Coordbench {
    public static let version = "0.2.0"
}
