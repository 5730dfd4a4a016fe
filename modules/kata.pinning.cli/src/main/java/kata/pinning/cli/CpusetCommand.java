package kata.pinning.cli;

import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.cpuset.CpuSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cpuset LIST...}: the canonical union of cpulists, as the sandbox computes it from its containers. */
@Command(name = "cpuset",
        description = {
            "Print the canonical union of cpulists.",
            "Takes the Linux cpulist syntax, ranges and strides included: 0-3,8,10-15:2/4."},
        footerHeading = "%nJSON (--json):%n",
        footer = "  {\"cpus\":\"0-5\", \"count\":6}")
final class CpusetCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Parameters(arity = "1..*", paramLabel = "LIST", description = "a cpulist; an empty string is the empty set")
    private List<String> lists;

    /** The JSON document: the union as a cpulist, and how many CPUs it has. */
    record Union(String cpus, int count) {
    }

    @Override
    public Integer call() {
        CpuSet union = CpuSet.unionOf(lists);
        root.output().print(new Union(union.toString(), union.size()),
                () -> (union.isEmpty() ? "(empty)" : union.toString()) + " (" + union.size()
                        + (union.size() == 1 ? " CPU)" : " CPUs)"));
        return KataPinning.OK;
    }
}
