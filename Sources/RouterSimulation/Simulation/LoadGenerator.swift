import RouterEngine

/// Submits synthetic requests at a rate, with Poisson or evenly spaced arrivals.
public final class LoadGenerator {
    public private(set) var requestsPerSecond: Double
    public let arrival: ArrivalProcess
    private let scheduler: any EngineScheduler
    private var random: SeededRandom
    private var nextArrival: (any Cancellable)?
    private var stopAt: EngineTime?
    private let submit: () -> Void

    public init(
        requestsPerSecond: Double, arrival: ArrivalProcess, scheduler: any EngineScheduler,
        random: SeededRandom, submit: @escaping () -> Void
    ) {
        self.requestsPerSecond = max(requestsPerSecond, 0)
        self.arrival = arrival
        self.scheduler = scheduler
        self.random = random
        self.submit = submit
    }

    /// Starts arrivals; none arrives at or after `end`, when given.
    public func start(until end: EngineTime? = nil) {
        stopAt = end
        scheduleNext()
    }

    /// Changes the rate from now on.
    public func setRate(_ requestsPerSecond: Double) {
        self.requestsPerSecond = max(requestsPerSecond, 0)
        nextArrival?.cancel()
        scheduleNext()
    }

    public func stop() {
        nextArrival?.cancel()
        nextArrival = nil
        stopAt = scheduler.now
    }

    private func scheduleNext() {
        nextArrival = nil
        guard requestsPerSecond > 0 else { return }
        let mean = 1 / requestsPerSecond
        let gap = arrival == .poisson ? random.exponential(mean: mean) : mean
        let at = scheduler.now + .clampedSeconds(gap)
        if let stopAt, at >= stopAt { return }
        nextArrival = scheduler.schedule(at: at) { [weak self] in
            self?.submit()
            self?.scheduleNext()
        }
    }
}
