package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confused-deputy check's table: a built-in VMM's own listing for its pid, a scan otherwise. */
class ListsOwnTasksTest {

    private static final int PID = 4242;

    /** A VMM whose last question listed {@code listed} under {@code root}. */
    private record ListingVmm(Path root, Optional<Set<Integer>> listed) implements Vmm, ListsOwnTasks {
        @Override
        public int pid() {
            return PID;
        }

        @Override
        public List<VcpuThread> vcpus() {
            return List.of();
        }

        @Override
        public Optional<Set<Integer>> tasksListedUnder(Path procRoot) {
            return procRoot.equals(root) ? listed : Optional.empty();
        }
    }

    private static ProcTasks procWith(Path root, int pid, int... tids) throws IOException {
        Path tasks = Files.createDirectories(root.resolve(Integer.toString(pid)).resolve("task"));
        for (int tid : tids) {
            Files.createDirectories(tasks.resolve(Integer.toString(tid)));
        }
        return new ProcTasks(root);
    }

    @Test
    void theVmmsOwnListingAnswersForItsPidUnderTheSameRoot(@TempDir Path root) throws IOException {
        ProcTasks procfs = procWith(root, PID, PID, 4243);
        TaskTable table = ListsOwnTasks.reusingListing(new ListingVmm(root, Optional.of(Set.of(PID, 4250))), procfs);

        assertEquals(Set.of(PID, 4250), table.tasksOf(PID), "the listing, not a second scan");
    }

    @Test
    void anotherRootNoListingOrAnotherPidIsScanned(@TempDir Path root) throws IOException {
        ProcTasks procfs = procWith(root, PID, PID, 4243);
        procWith(root, 7, 7);

        TaskTable otherRoot = ListsOwnTasks.reusingListing(new ListingVmm(root.resolve("elsewhere"), Optional.of(Set.of(1))), procfs);
        TaskTable noListing = ListsOwnTasks.reusingListing(new ListingVmm(root, Optional.empty()), procfs);

        assertEquals(Set.of(PID, 4243), otherRoot.tasksOf(PID));
        assertEquals(Set.of(PID, 4243), noListing.tasksOf(PID));
        assertEquals(Set.of(7), noListing.tasksOf(7), "only the VMM's own pid uses its listing");
    }

    @Test
    void aVmmThatListsNothingOfItsOwnGetsThePlainScan(@TempDir Path root) throws IOException {
        ProcTasks procfs = procWith(root, PID, PID);
        Vmm consumers = new Vmm() {
            @Override
            public int pid() {
                return PID;
            }

            @Override
            public List<VcpuThread> vcpus() {
                return List.of();
            }
        };

        assertSame(procfs, ListsOwnTasks.reusingListing(consumers, procfs));
    }
}
