/**
 * The QMP client ({@link kata.pinning.qmp.QmpClient}), its typed results ({@link kata.pinning.qmp.CpuInfoFast},
 * {@link kata.pinning.qmp.HotpluggableCpu}, {@link kata.pinning.qmp.QmpStatus}, {@link kata.pinning.qmp.QmpEvent})
 * and its exceptions, all subclasses of {@link kata.pinning.qmp.QmpException}.
 */
package kata.pinning.qmp;
