#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops start-up with exit status 2 and one line on standard error, before anything is drawn.
func failStartup(_ message: String) -> Never {
    var line = "routertop: \(oneLine(message))\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    exit(2)
}
