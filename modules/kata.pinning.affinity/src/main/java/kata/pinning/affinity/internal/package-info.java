/**
 * The libc bindings behind {@link kata.pinning.affinity.ThreadAffinity#linux()}; not exported.
 *
 * <p>All {@code java.lang.foreign} code of the project lives here. {@link
 * kata.pinning.affinity.internal.Libc} holds the downcall handles in the shape jextract would give
 * them, plus the {@code errno} capture that jextract cannot generate; {@link
 * kata.pinning.affinity.internal.CallBuffer} is each thread's reused native memory for the capture
 * state and the mask; {@link kata.pinning.affinity.internal.ThreadIds} links the calling thread's
 * id apart from them ({@code gettid}, or {@code syscall(SYS_gettid)} on a glibc before 2.30);
 * {@link kata.pinning.affinity.internal.NativeSupport} decides once whether they may be used.
 */
package kata.pinning.affinity.internal;
