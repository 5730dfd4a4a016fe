package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import kata.pinning.VcpuThread;
import kata.pinning.VmmKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/** Properties of the pure vCPU-thread-name decision, for every VMM kind. */
class VcpuNamesProperties {

    /** The name {@code kind} gives vCPU {@code index}, as the VMM prints it. */
    static String nameOf(VmmKind kind, String index) {
        return kind.threadName().replace("<N>", index).replace("<accel>", "KVM");
    }

    @Property
    void everyVcpuNameReadsBackAsItsIndex(@ForAll VmmKind kind, @ForAll @IntRange(min = 0, max = 99_999) int index) {
        assertEquals(OptionalInt.of(index), VcpuNames.indexOf(kind, nameOf(kind, Integer.toString(index))));
    }

    @Property
    void aLeadingZeroOrAnySuffixMakesANameNoVcpu(@ForAll VmmKind kind, @ForAll @IntRange(max = 9_999) int index,
            @ForAll("suffixes") String suffix) {
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(kind, nameOf(kind, "0" + index)));
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(kind, nameOf(kind, Integer.toString(index)) + suffix));
    }

    @Property
    void aNameOfAnotherKindIsNoVcpu(@ForAll VmmKind kind, @ForAll VmmKind other, @ForAll @IntRange(max = 999) int index) {
        Assume.that(kind != other);
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(kind, nameOf(other, Integer.toString(index))));
    }

    @Property
    void aNameTheKernelMayHaveCutShortIsNoVcpu(@ForAll VmmKind kind, @ForAll @IntRange(min = 1, max = 9) int firstDigit) {
        Assume.that(kind != VmmKind.QEMU); // QEMU's index is followed by "/<accel>"
        String name = nameOf(kind, Integer.toString(firstDigit));
        String full = name + "0".repeat(VcpuNames.COMM_LENGTH - name.length()); // exactly 15 characters
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(kind, full));
        String shorter = full.substring(0, VcpuNames.COMM_LENGTH - 1); // one character less is whole
        long index = Long.parseLong(shorter.substring(name.length() - 1));
        assertEquals(index > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) index),
                VcpuNames.indexOf(kind, shorter));
    }

    @Example
    void namesThatMerelyStartWithThePrefixAreNoVcpus() {
        for (String decoy : List.of("vcpu", "vcpu_x", "vcpuX", "vcpu12abc", "vcpu-1", "vcpu+1", " vcpu1", "vcpu1 ", "VCPU1",
                "vcpu99999999999")) {
            assertEquals(OptionalInt.empty(), VcpuNames.indexOf(VmmKind.CLOUD_HYPERVISOR, decoy), decoy);
        }
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(VmmKind.FIRECRACKER, "fc_vcpu 1234567"));
        assertEquals(OptionalInt.of(123456), VcpuNames.indexOf(VmmKind.FIRECRACKER, "fc_vcpu 123456"));
        assertEquals(OptionalInt.of(1), VcpuNames.indexOf(VmmKind.QEMU, "CPU 1/TCG"));
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(VmmKind.QEMU, "ALL CPUs/TCG"));
        assertEquals(OptionalInt.empty(), VcpuNames.indexOf(VmmKind.QEMU, "CPU 1/"));
    }

    @Property
    void theVcpusAreTheMatchingThreadsInIndexOrder(@ForAll VmmKind kind,
            @ForAll @UniqueElements @Size(max = 8) List<@IntRange(max = 200) Integer> indices,
            @ForAll @Size(max = 5) List<@From("suffixes") String> decoySuffixes) {
        Map<Integer, String> comms = new HashMap<>();
        int tid = 1000;
        for (int index : indices) {
            comms.put(tid++, nameOf(kind, Integer.toString(index)));
        }
        for (String suffix : decoySuffixes) {
            comms.put(tid++, nameOf(kind, "7") + suffix);
        }
        List<VcpuThread> vcpus = VcpuNames.vcpus(kind, comms);

        assertEquals(indices.stream().sorted().toList(), vcpus.stream().map(VcpuThread::index).toList());
        for (VcpuThread vcpu : vcpus) {
            assertEquals(nameOf(kind, Integer.toString(vcpu.index())), comms.get(vcpu.threadId()));
            assertTrue(vcpu.node().isEmpty());
        }
    }

    @Property
    void twoThreadsClaimingOneIndexAreAnErrorNamingBoth(@ForAll VmmKind kind, @ForAll @IntRange(max = 99) int index,
            @ForAll @IntRange(min = 1, max = 100_000) int firstTid, @ForAll @IntRange(min = 1, max = 100) int gap) {
        String name = nameOf(kind, Integer.toString(index));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VcpuNames.vcpus(kind, Map.of(firstTid, name, firstTid + gap, name)));
        assertEquals("two threads claim vCPU " + index + ": " + firstTid + " (" + name + ") and "
                + (firstTid + gap) + " (" + name + ")", e.getMessage());
    }

    @Provide
    Arbitrary<String> suffixes() {
        return Arbitraries.strings().withChars("_ .-/:x").ofMinLength(1).ofMaxLength(3)
                .filter(s -> !s.chars().allMatch(Character::isLetterOrDigit));
    }
}
