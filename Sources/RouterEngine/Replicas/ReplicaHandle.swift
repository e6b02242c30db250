/// What a callback that must not keep a replica's record alive holds instead of the record: it
/// reaches the record while the record lives, and nothing from the start of its deinit.
///
/// A replica's connection keeps the callbacks the router gives it (a probe's, the model reports'
/// sink), and the record keeps its connection: a callback holding the record strongly would be a
/// cycle. (A send's callback reaches the record through its request, `SendCompletion`.) They held
/// it weakly; but a weak reference gives its object a side table for good, and every retain and
/// release of such an object takes a slower path: for a record, retained and released a dozen
/// times a request, about 870 instructions a request. The handle holds the record unowned (which
/// needs no side table), and the record's deinit clears it before anything of the record goes, so
/// a callback run while the record is torn down, or after, finds nil instead of a freed record.
final class ReplicaHandle {
    /// The record; nil once its deinit began.
    private(set) unowned var record: ReplicaRecord?

    init(_ record: ReplicaRecord) {
        self.record = record
    }

    /// The record's deinit began: it is reached no more.
    func recordGone() {
        record = nil
    }
}
