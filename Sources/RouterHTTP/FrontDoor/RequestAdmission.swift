import RouterEngine

/// The part of the router the front door talks to: admit a request, call one off.
protocol RequestAdmission: AnyObject {
    func submit(
        model: String?, externalID: String?, payload: AnyObject?, onFinish: @escaping (RequestResult) -> Void
    ) -> RequestID
    func cancel(_ id: RequestID, reason: FailureReason)
}
