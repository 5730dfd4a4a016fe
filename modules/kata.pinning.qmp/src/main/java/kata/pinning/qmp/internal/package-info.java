/**
 * The QMP client's machinery: connecting and the handshake ({@link kata.pinning.qmp.internal.Connector}),
 * the session whose callers take turns reading ({@link kata.pinning.qmp.internal.Session}), the ids
 * of commands in flight, the routing of each message, the streaming decoders, the bounded line
 * reader and the event buffer. Not exported; depend on {@link kata.pinning.qmp.QmpClient} instead.
 */
package kata.pinning.qmp.internal;
