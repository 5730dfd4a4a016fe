/**
 * The CPU affinity of Linux threads, read and set by kernel thread id through the Foreign Function
 * &amp; Memory API: {@link kata.pinning.affinity.ThreadAffinity} and
 * {@link kata.pinning.affinity.LinuxThreads}.
 *
 * <p>Grant this module native access, or it reports itself unavailable instead of calling libc:
 * {@code --enable-native-access=kata.pinning.affinity} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module kata.pinning.affinity {
    requires transitive kata.pinning.cpuset; // CpuSet appears in ThreadAffinity and AffinityException

    exports kata.pinning.affinity; // the libc bindings in kata.pinning.affinity.internal stay hidden
}
