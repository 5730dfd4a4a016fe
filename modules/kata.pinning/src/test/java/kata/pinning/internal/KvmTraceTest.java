package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import kata.pinning.internal.KvmTrace.Elsewhere;
import kata.pinning.internal.KvmTrace.InKvmRun;
import kata.pinning.internal.KvmTrace.Running;
import org.junit.jupiter.api.Test;

/** The procfs lines the {@code kvm} source reads, as the kernel words them, and lines that are something else. */
class KvmTraceTest {

    @Test
    void vcpuFdLinks() {
        assertEquals(OptionalInt.of(0), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:0"));
        assertEquals(OptionalInt.of(127), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:127"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("anon_inode:kvm-vm"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:1x"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:-1"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("anon_inode:kvm-vcpu:2147483648"));
        assertEquals(OptionalInt.empty(), KvmTrace.vcpuIndexOf("/tmp/anon_inode:kvm-vcpu:1"));
    }

    @Test
    void syscallLines() {
        assertEquals(new InKvmRun(16), KvmTrace.parseSyscall("16 0x10 0xae80 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n", 16));
        assertEquals(new InKvmRun(16), KvmTrace.parseSyscall("29 0x10 0xae80 0x0 0x0 0x0 0x0 0xffff 0xffff\n", 29));
        assertEquals(new Elsewhere(29), KvmTrace.parseSyscall("29 0x10 0xae80 0x0 0x0 0x0 0x0 0xffff 0xffff", 16));
        assertEquals(new Elsewhere(16), KvmTrace.parseSyscall("16 0x10 0x5421 0x0 0x0 0x0 0x0 0x7ffd 0x7f12", 16));
        assertEquals(new Elsewhere(202), KvmTrace.parseSyscall("202 0x7f3a 0x80 0x0 0x0 0x0 0x0 0x7f3a 0x7f3a", 16));
        assertEquals(new Elsewhere(-1), KvmTrace.parseSyscall("-1 0x7ffd2c9e10 0x7f3a31c9b1d6\n", 16));
        assertEquals(new Running(), KvmTrace.parseSyscall("running\n", 16));
        assertThrows(IllegalArgumentException.class, () -> KvmTrace.parseSyscall("sixteen", 16));
        assertThrows(IllegalArgumentException.class, () -> KvmTrace.parseSyscall("16 16 0xae80", 16));
    }

    @Test
    void flagsAreField9CountedAfterTheName() {
        assertEquals(0x404040, KvmTrace.flags("4242 (kvm-nx-lpage-) S 1 4242 4242 0 -1 4210752 0 0 0 0 0 0 0 0 20 0 1 0 9"));
        assertEquals(0x400040, KvmTrace.flags("4243 (a) b) (c d) R 1 4242 4242 0 -1 4194368 0 0"));
        assertThrows(IllegalArgumentException.class, () -> KvmTrace.flags("4243 (a) R 1"));
        assertTrue(KvmTrace.isKernelWorker(0x404040));
        assertTrue(KvmTrace.isKernelWorker(0x208040));
        assertFalse(KvmTrace.isKernelWorker(0x400040));
    }

    @Test
    void ioctlNumbers() {
        assertEquals(OptionalInt.of(16), KvmTrace.ioctlNumber("amd64"));
        assertEquals(OptionalInt.of(29), KvmTrace.ioctlNumber("aarch64"));
        assertEquals(OptionalInt.of(29), KvmTrace.ioctlNumber("riscv64"));
        assertEquals(OptionalInt.empty(), KvmTrace.ioctlNumber("s390x"));
    }
}
