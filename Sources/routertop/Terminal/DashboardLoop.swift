import Dashboard

/// The UI loop: the one thread that makes curses calls.
///
/// Each turn paints the latest screen, then waits for a key until the next tick; a stop signal is
/// noticed at the latest one tick later, because the wait returns at the tick (or at once on EINTR).
enum DashboardLoop {
    static func run(session: CursesSession, painter: CursesPainter, controller: DashboardController) {
        let clock = ContinuousClock()
        var nextTick = clock.now
        while StopSignals.received == nil {
            painter.paint(controller.render(size: session.size), theme: controller.theme)
            // A command's answer can end the session (the router said it stops).
            if controller.wantsQuit { return }
            let now = clock.now
            if now >= nextTick {
                nextTick = now + .milliseconds(controller.refreshMilliseconds)
            }
            let wait = Int((nextTick - now).millisecondsValue.rounded(.up))
            guard let key = session.readKey(timeoutMilliseconds: wait) else { continue }
            if key == .resize { painter.invalidate() }
            controller.handle(key)
            if controller.wantsQuit { return }
        }
    }
}
