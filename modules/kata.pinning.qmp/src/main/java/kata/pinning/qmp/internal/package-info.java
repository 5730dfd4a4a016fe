/**
 * The QMP client's machinery: the session with its reader and writer threads, the bounded line
 * reader and the event buffer. Not exported; depend on {@link kata.pinning.qmp.QmpClient} instead.
 */
package kata.pinning.qmp.internal;
