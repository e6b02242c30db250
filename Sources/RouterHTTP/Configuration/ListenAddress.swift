/// Where a server listens: `HOST:PORT` (an IPv6 host in brackets); port 0 picks a free one.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `HOST:PORT`; `flag` names the option in the error.
    public static func parse(_ text: String, flag: String) -> Result<ListenAddress, ProxyStartupError> {
        func refuse(_ why: String) -> Result<ListenAddress, ProxyStartupError> {
            .failure(ProxyStartupError("\(flag)=\(text) \(why); it must be HOST:PORT, such as 127.0.0.1:8000"))
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                return refuse("has no port after its IPv6 host")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return refuse("has no port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return refuse("has an IPv6 host without brackets") }
        }
        guard !host.isEmpty else { return refuse("has no host") }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
              (0...65_535).contains(port)
        else { return refuse("has port \"\(portText)\", not a whole number from 0 to 65535") }
        return .success(ListenAddress(host: String(host), port: port))
    }
}
