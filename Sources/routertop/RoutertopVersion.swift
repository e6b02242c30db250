/// The version `routertop --version` prints.
enum RoutertopVersion {
    static let text = "routertop 0.1.0"
}
