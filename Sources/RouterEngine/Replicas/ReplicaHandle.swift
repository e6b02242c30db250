/// What a callback that must not keep a replica's record alive holds, weakly, instead of the record.
///
/// A replica's connection keeps the callbacks the router gives it (a probe's, the model reports'
/// sink), and the record keeps its connection: a callback holding the record strongly would be a
/// cycle. (A send's callback reaches the record through its request, `SendCompletion`.) A weak reference gives the object it points to a side table for good, and every
/// retain and release of such an object takes a slower path: for a record, retained and released
/// a dozen times a request, about 870 instructions a request. The record holds its handle, and the
/// handle the record unowned (an unowned reference needs no side table): the handle lives as long as
/// the record, so a weak reference to it is nil exactly when one to the record would be.
final class ReplicaHandle {
    unowned let record: ReplicaRecord

    init(_ record: ReplicaRecord) {
        self.record = record
    }
}
