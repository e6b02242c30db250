/// What a callback that must not keep an object alive holds instead of it: it reaches the object
/// while the object lives, and nothing from the start of its deinit.
///
/// A replica's connection keeps the callbacks the router gives it (a probe's, the model reports'
/// sink), and the replica's record keeps its connection; the scheduler keeps the router's timers,
/// and the router keeps its scheduler: a callback holding the record or the router strongly would
/// be a cycle. They held them weakly; but a weak reference gives its object a side table for good,
/// and every retain and release of such an object takes a slower path (about 50 instructions
/// more each): for a record, retained and released a dozen times a request, about 870 a request.
/// The handle holds the object unowned (which needs no side table), and the object's deinit clears
/// it (`objectGone`) before anything of the object goes, so a callback run while the object is
/// torn down, or after, finds nil instead of a freed object. The object keeps its handle in a
/// constant, made with it and attached at the end of its init: reading it costs no run-time check.
final class CallbackHandle<Object: AnyObject> {
    /// The object; nil until it is attached, and once its deinit began.
    private(set) unowned var object: Object?

    init() {}

    /// The object is whole (the end of its init): callbacks reach it from now on.
    func attach(_ object: Object) {
        self.object = object
    }

    /// The object's deinit began: it is reached no more.
    func objectGone() {
        object = nil
    }
}
