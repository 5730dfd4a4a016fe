package kata.pinning.cgroup.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cgroup path as the kernel renders it to a reader: relative to the reader's cgroup namespace
 * root, so it may start with {@code ..} components when it lies outside that namespace (a node
 * agent in a container reads the host's sandbox cgroups that way). Pure: no I/O.
 *
 * @param ups how many {@code ..} components lead the path: how far above the reader's namespace
 *     root it starts
 * @param names the components after them
 */
public record CgroupPath(int ups, List<String> names) {

    /** Copies the names. */
    public CgroupPath {
        names = List.copyOf(names);
    }

    /**
     * Reads a path such as {@code /kata_overhead/sb-1} or {@code /../../kubepods/pod-1/kata_sb-1}.
     *
     * @param text the path
     * @return the path
     * @throws IllegalArgumentException if it is not absolute, has {@code .} or {@code ..} after a name,
     *     or holds a NUL, which no directory name can
     */
    public static CgroupPath parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("cgroup path \"" + text + "\" is not absolute");
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cgroup path \"" + text.replace('\0', '?') + "\" holds a NUL character");
        }
        int ups = 0;
        List<String> names = new ArrayList<>();
        for (String name : text.substring(1).split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("..") && names.isEmpty()) {
                ups++;
            } else if (name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("cgroup path \"" + text + "\" has a \"" + name + "\" after a name");
            } else {
                names.add(name);
            }
        }
        return new CgroupPath(ups, names);
    }

    /**
     * {@return the components that lead from {@code mountRoot} down to this path, or empty when
     * this path is not below it as far as the two renderings show}
     *
     * @param mountRoot the root of the mounted hierarchy, rendered for the same reader
     * @param namespaceRoot the reader's namespace root, below the hierarchy's root, when known: it
     *     supplies the components this path's {@code ..} climb over and the mount's root does not
     */
    public Optional<List<String>> below(CgroupPath mountRoot, Optional<List<String>> namespaceRoot) {
        if (mountRoot.ups == ups) {
            return startsWith(names, mountRoot.names) ? Optional.of(names.subList(mountRoot.names.size(), names.size()))
                    : Optional.empty();
        }
        if (mountRoot.ups > ups && mountRoot.names.isEmpty() && namespaceRoot.isPresent()) {
            // The mount shows the hierarchy from higher up than this path climbs: the names in
            // between are those of the reader's namespace root's ancestors.
            List<String> root = namespaceRoot.get();
            int known = root.size() - ups;
            if (root.size() != mountRoot.ups || known < 0) {
                return Optional.empty();
            }
            List<String> full = new ArrayList<>(root.subList(0, known));
            full.addAll(names);
            return Optional.of(full);
        }
        return Optional.empty();
    }

    private static boolean startsWith(List<String> names, List<String> prefix) {
        return names.size() >= prefix.size() && names.subList(0, prefix.size()).equals(prefix);
    }

    @Override
    public String toString() {
        return "/" + "../".repeat(ups) + String.join("/", names);
    }
}
