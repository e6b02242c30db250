import Foundation

exit(DevelopmentEntry.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment
))
