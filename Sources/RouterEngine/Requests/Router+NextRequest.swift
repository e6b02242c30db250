extension Router {
    /// The id the next submitted request will get, so a host can label it before submitting.
    public var nextRequestID: RequestID { queue.nextID }

    /// The router's current time on its scheduler.
    public var currentTime: EngineTime { now }
}
