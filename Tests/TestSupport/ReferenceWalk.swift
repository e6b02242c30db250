/// Where the class instances and closures inside `value` are, through stored properties, elements
/// and payloads: the check behind state kept without run-time exclusivity checks, which is sound
/// only while it holds values alone (see `LeafStateTests`).
public func referencesAndClosures(in value: Any, at path: String = "") -> [String] {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .class || "\(type(of: value))".contains("->") { return [path] }
    return mirror.children.enumerated().flatMap { index, child in
        referencesAndClosures(in: child.value, at: path + "." + (child.label ?? String(index)))
    }
}
