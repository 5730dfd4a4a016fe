package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** default_vcpus and default_maxvcpus as runtime-rs adjusts them, read from real files. */
class VcpuSizingTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: vcpus={1} max={2} host={3} -> {4}/{5}")
    @CsvSource(delimiter = '|', nullValues = "absent", textBlock = """
            fraction rounds up                 | 1.5       | 4      | 8 | 2 | 4
            small fraction rounds up to one    | 0.25      | 4      | 8 | 1 | 4
            whole float                        | 2.0       | 4      | 8 | 2 | 4
            integer accepted                   | 3         | 4      | 8 | 3 | 4
            absent is one                      | absent    | 4      | 8 | 1 | 4
            zero is one                        | 0         | 4      | 8 | 1 | 4
            negative is every host CPU         | -1        | absent | 6 | 6 | 6
            negative float is every host CPU   | -0.5      | absent | 6 | 6 | 6
            above host is every host CPU       | 64        | absent | 6 | 6 | 6
            capped at max                      | 5         | 3      | 8 | 3 | 3
            fraction above max is capped first | 3.5       | 3      | 8 | 3 | 3
            max absent is every host CPU       | 1         | absent | 5 | 1 | 5
            max zero is every host CPU         | 1         | 0      | 5 | 1 | 5
            max above host is every host CPU   | 1         | 99     | 5 | 1 | 5
            f32 precision as in runtime-rs     | 2.0000001 | 4      | 8 | 2 | 4
            just above two rounds up           | 2.001     | 4      | 8 | 3 | 4
            infinity is every host CPU         | inf       | absent | 3 | 3 | 3
            """)
    void sizingFollowsRuntimeRs(String name, String vcpus, String max, int hostCpus, int expectVcpus, int expectMax) {
        StringBuilder table = new StringBuilder("[hypervisor.qemu]\n");
        if (vcpus != null) {
            table.append("default_vcpus = ").append(vcpus).append('\n');
        }
        if (max != null) {
            table.append("default_maxvcpus = ").append(max).append('\n');
        }
        Path file = Toml.write(dir, "configuration.toml", table.toString());

        HypervisorConfig hypervisor = KataConfig.load(file, hostCpus).hypervisor();

        assertEquals(new HypervisorConfig("qemu", expectVcpus, expectMax), hypervisor);
    }
}
