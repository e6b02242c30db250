import CFuzzDriver
import Foundation

/// One binary for every fuzz target: `FuzzInputs TARGET ARGUMENTS...`.
///
/// Built with `-sanitize=fuzzer,address -DFUZZING` (`make fuzz`) the arguments go to libFuzzer
/// (corpus directories and its `-flag=value` options). Built normally (`make test`) it replays the
/// files and directories given, so the committed corpora stay a regression test without a fuzzing
/// build.
@main
enum FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: FuzzInputs TARGET [CORPUS...]; targets: \(names)\n".utf8))
            exit(2)
        }
        #if !DEBUG
        if target == .theme || target == .http || target == .answer || target == .request {
            FileHandle.standardError.write(Data("FuzzInputs: the \(target.rawValue) target needs a debug build\n".utf8))
            exit(2)
        }
        #endif
        selectedTarget = target
        arguments.remove(at: 1)
        #if FUZZING
        exit(runLibFuzzer(arguments))
        #else
        exit(replay(target, paths: Array(arguments.dropFirst())))
        #endif
    }

    /// Runs every file under `paths` through `target`; a crash ends the process, as in fuzzing.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("FuzzInputs: \(path): no such file or directory\n".utf8))
                return 2
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        let started = ContinuousClock.now
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            data.withUnsafeBytes { target.run($0) }
        }
        let elapsed = ContinuousClock.now - started
        print("\(target.rawValue): replayed \(files.count) inputs in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
        return 0
    }

    #if FUZZING
    static func runLibFuzzer(_ arguments: [String]) -> Int32 {
        var argc = Int32(arguments.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
        for (index, argument) in arguments.enumerated() { argv![index] = strdup(argument) }
        argv![arguments.count] = nil
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
    }
    #endif
}

/// The target chosen on the command line, for libFuzzer's C callback, which cannot capture it.
/// Written once before fuzzing starts, read on the one fuzzing thread.
nonisolated(unsafe) var selectedTarget: FuzzTarget?

#if FUZZING
/// libFuzzer's entry point for one input. Its driver refers to this symbol even when started
/// through `LLVMFuzzerRunDriver`, so it must exist; both run the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
