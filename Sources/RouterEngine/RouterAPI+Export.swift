// The engine speaks the shared API's types (settings, snapshots, commands, ids, time) in its own
// interface, so whoever imports the engine gets them too.
@_exported import RouterAPI
