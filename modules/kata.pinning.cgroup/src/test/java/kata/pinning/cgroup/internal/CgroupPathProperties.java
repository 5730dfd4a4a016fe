package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CgroupPathProperties {

    @Property
    void extraSlashesDoNotChangeTheCgroup(
            @ForAll @Size(min = 1, max = 4) List<@From("names") String> names,
            @ForAll @Size(min = 5, max = 5) List<@IntRange(min = 0, max = 3) Integer> slashes) {
        StringBuilder path = new StringBuilder("/".repeat(slashes.get(0)));
        for (int i = 0; i < names.size(); i++) {
            path.append(i == 0 ? "" : "/".repeat(1 + slashes.get(i))).append(names.get(i));
        }

        Path relative = CgroupFs.relativePath(path.toString());

        assertEquals(Path.of(String.join("/", names)), relative);
        assertTrue(!relative.isAbsolute() && relative.normalize().equals(relative));
    }

    @Property
    void aDotOrDotDotComponentAnywhereIsRejected(
            @ForAll @Size(max = 3) List<@From("names") String> names,
            @ForAll @IntRange(min = 0, max = 3) int at,
            @ForAll("dots") String dots) {
        List<String> withDots = new ArrayList<>(names);
        withDots.add(Math.min(at, names.size()), dots);
        String path = "/" + String.join("/", withDots);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CgroupFs.relativePath(path));

        assertTrue(e.getMessage().contains('"' + path + '"'), e.getMessage());
    }

    /** Cgroup names as runtimes make them: letters, digits, and the separators Kata and systemd use. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '.', ':', '@')
                .ofMinLength(1).ofMaxLength(12).filter(s -> !s.equals(".") && !s.equals(".."));
    }

    @Provide
    Arbitrary<String> dots() {
        return Arbitraries.of(".", "..");
    }
}
