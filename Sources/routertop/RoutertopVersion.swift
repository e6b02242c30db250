/// The version `routertop --version` prints.
enum RoutertopVersion {
    static let number = "0.1.0"
    static let text = "routertop \(number)"
}
