import NIOHTTP1
import RouterEngine

/// Reads what one replica's answers say about its models, for the router: the model-ids header
/// (parsed only when its version changed), or else a success for a request for a model.
///
/// One per replica connection and event loop, confined to that loop (its sink reaches the router).
final class ModelEvidenceReader {
    private var sink: ((ModelEvidence) -> Void)?
    private var lastVersion: UInt64?
    private var lastModels: [String] = []

    func report(to sink: @escaping (ModelEvidence) -> Void) {
        self.sink = sink
    }

    /// Takes the header out of an answer's head (the client never sees it) and tells the router
    /// what the answer says.
    func read(_ head: inout ReplicaHead, model: String?) {
        let told = head.first(ModelIDsHeader.name)
        if told != nil { head.remove(ModelIDsHeader.name) }
        guard let sink else { return }
        if let told {
            if let version = ModelIDsHeader.version(in: told), version == lastVersion {
                sink(.report(version: version, models: lastModels))
            } else if let (version, models) = ModelIDsHeader.parse(told) {
                lastVersion = version
                lastModels = models
                sink(.report(version: version, models: models))
            }
            // A malformed value says nothing; neither does it prove the model is held.
            return
        }
        if let model, (200..<300).contains(head.status.code) { sink(.served(model: model)) }
    }
}
