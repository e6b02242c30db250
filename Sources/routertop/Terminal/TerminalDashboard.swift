import Dashboard
import Foundation
import RouterEngine

/// Opens the full-screen dashboard over a router and runs it until the operator quits or a stop
/// signal arrives; returns the process's exit status.
enum TerminalDashboard {
    /// - Parameters:
    ///   - control: the router to show and command.
    ///   - configuration: display settings; `origin`, `themeSearchDirectories`, `colorDepth` and
    ///     (in a locale that is not UTF-8) `ascii` are filled in here.
    ///   - themeName: a theme name from the search directories, or a path to a theme file.
    /// - Returns: 0 after a normal quit or a stop signal; 2 when the theme is bad, there is no
    ///   terminal, or curses cannot drive it (an unknown `TERM`).
    ///   - ended: called with the controller once the dashboard closed, before returning.
    ///   A signal such as SIGQUIT ends the process by that signal once the terminal is restored.
    static func run(
        control: any RouterControl, configuration: DashboardConfiguration, themeName: String,
        ended: (DashboardController) -> Void = { _ in }
    ) -> Int32 {
        let status = runScreen(control: control, configuration: configuration, themeName: themeName, ended: ended)
        if let signo = StopSignals.endingSignal { FatalSignals.endProcess(by: signo) }
        return status
    }

    private static func runScreen(
        control: any RouterControl, configuration: DashboardConfiguration, themeName: String,
        ended: (DashboardController) -> Void
    ) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        var configuration = configuration
        configuration.origin = OperatorOrigin.from(environment: environment)
        configuration.themeSearchDirectories = ThemeDirectories.searchDirectories()

        let theme: Theme
        do {
            theme = try Theme.load(themeName, searchDirectories: configuration.themeSearchDirectories)
        } catch {
            printError("routertop: \(error)")
            return 2
        }
        if let problem = TerminalCheck.problem() {
            printError("routertop: " + problem)
            return 2
        }
        if !LocaleCheck.adoptEnvironmentLocale() {
            configuration.ascii = true
        }

        FatalSignals.ignoreBrokenPipes()
        StopSignals.install()
        let capture = StderrCapture.start(temporaryDirectory: environment["TMPDIR"] ?? "/tmp")
        // Runs last: standard error comes back only after the terminal has been restored.
        defer { capture?.stop() }

        let session: CursesSession
        do {
            session = try CursesSession.start(
                noColor: !(environment["NO_COLOR"] ?? "").isEmpty, terminalName: environment["TERM"]
            )
        } catch {
            capture?.stop()
            printError(error.description)
            return 2
        }
        defer { session.end() }
        FatalSignals.install()

        configuration.colorDepth = session.colorDepth
        let controller = DashboardController(control: control, configuration: configuration, theme: theme)
        let painter = CursesPainter(depth: session.colorDepth, pairs: session.pairs, ascii: configuration.ascii)
        DashboardLoop.run(session: session, painter: painter, controller: controller)
        ended(controller)
        return 0
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((oneLine(line) + "\n").utf8))
    }
}
