package kata.pinning.cli.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code -smp} values as Kata's runtimes and people write them, and ones QEMU refuses. */
class SmpOptionTest {

    private static OptionalInt vcpus(String commandLine) {
        return SmpOption.vcpus(List.of(commandLine.split(" ")));
    }

    @Test
    void thePresentCountWhereverItIsWritten() {
        assertEquals(OptionalInt.of(1), vcpus("qemu-system-x86_64 -smp 1,cores=1,threads=1,sockets=4,maxcpus=4"));
        assertEquals(OptionalInt.of(2), vcpus("qemu-system-x86_64 -smp cpus=2,maxcpus=8"));
        assertEquals(OptionalInt.of(3), vcpus("qemu-system-x86_64 -smp 3"));
        assertEquals(OptionalInt.of(4), vcpus("qemu-system-x86_64 -smp maxcpus=4"));
        assertEquals(OptionalInt.of(8), vcpus("qemu-system-x86_64 -smp sockets=2,cores=2,threads=2"));
        assertEquals(OptionalInt.of(6), vcpus("qemu-system-x86_64 -smp 2 -m 1G -smp 6"));
        assertEquals(OptionalInt.of(1), vcpus("qemu-system-x86_64 -m 1G"));
    }

    @Test
    void valuesQemuRefusesCountNothing() {
        assertEquals(OptionalInt.empty(), vcpus("qemu-system-x86_64 -smp"));
        assertEquals(OptionalInt.empty(), vcpus("qemu-system-x86_64 -smp two"));
        assertEquals(OptionalInt.empty(), vcpus("qemu-system-x86_64 -smp 2,widgets=3"));
        assertEquals(OptionalInt.empty(), vcpus("qemu-system-x86_64 -smp 0"));
        assertEquals(OptionalInt.empty(), vcpus("qemu-system-x86_64 -smp 2,4"));
    }
}
