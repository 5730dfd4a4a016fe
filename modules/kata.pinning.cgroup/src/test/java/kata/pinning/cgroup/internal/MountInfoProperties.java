package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MountInfoProperties {

    private static final Path SOURCE = Path.of("mountinfo");

    @Property
    void anyMountPointSurvivesTheKernelsEscaping(@ForAll("mountPoints") String mountPoint) {
        String line = "40 30 0:37 / " + escapeLikeTheKernel(mountPoint)
                + " rw,relatime shared:5 - cgroup cgroup rw,cpuset";

        Mount mount = MountInfo.parse(line, SOURCE).getFirst();

        assertEquals(Path.of(mountPoint), mount.mountPoint());
        assertEquals("cgroup", mount.fsType());
    }

    @Property
    boolean textWithoutBackslashesIsLeftAsItIs(@ForAll("plainFields") String field) {
        return MountInfo.unescape(field).equals(field);
    }

    /** Absolute paths mixing the four characters the kernel escapes with ordinary ones. */
    @Provide
    Arbitrary<String> mountPoints() {
        return Arbitraries.strings().withChars("ab/ \t\n\\\u00e9").ofMinLength(1).ofMaxLength(30)
                .map(s -> "/" + s);
    }

    @Provide
    Arbitrary<String> plainFields() {
        return Arbitraries.strings().ascii().excludeChars('\\', ' ').ofMaxLength(40);
    }

    /** What the kernel's seq_path/show_mountinfo does with space, tab, newline and backslash. */
    private static String escapeLikeTheKernel(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
                out.append('\\').append(String.format("%03o", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
