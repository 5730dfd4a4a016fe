package kata.pinning.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import kata.pinning.VmmKind;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code --state} file: the sandbox's persisted state ({@link kata.pinning.SandboxResources#persist()}),
 * which holds the last outcome, with that decision and reason repeated at the top for readers of the
 * file, and the VMM kind.
 * <pre>{@code
 * {"sandbox": {...what persist() wrote...}, "decision": "pinned", "reason": "...", "vmm": "qemu",
 *  "source": "kvm"}
 * }</pre>
 * It is replaced atomically and durably ({@link #write}), and only after an operation succeeded, by a
 * command that holds its {@link StateLock}. A file without {@code vmm}, written before there were
 * other VMMs than QEMU, is of a QEMU sandbox; {@code source}, how the vCPU threads were found when
 * it was last written ({@code qmp}, {@code thread-names} or {@code kvm}), is for readers, and absent
 * in files written before there were several.
 */
final class StateFile {

    private StateFile() {
    }

    /**
     * What the file holds.
     *
     * @param sandboxJson the JSON for {@link kata.pinning.SandboxResources.Builder#restore(String)}
     * @param decision the last decision, as {@link StatusView#decisionOf}; a restore takes it from
     *     {@code sandboxJson}, and from here only for a sandbox persisted by version 0.1, which kept none
     * @param reason its reason
     * @param vmm the VMM kind, as {@link kata.pinning.VmmKind#cliName()}
     * @param source how the vCPU threads were found, as {@link kata.pinning.Vmm#source()}; null when
     *     the file does not say
     */
    record Saved(String sandboxJson, String decision, String reason, String vmm, String source) {
    }

    /**
     * Checks that the file is of a sandbox on this kind of VMM.
     *
     * @param file the state file, for the message
     * @param saved what it holds
     * @param vmm the kind that {@code --vmm} names
     * @throws BadInputException if the file records another kind
     */
    static void checkVmm(Path file, Saved saved, VmmKind vmm) {
        if (!saved.vmm().equals(vmm.cliName())) {
            throw new BadInputException("the state file " + file + " is of a " + saved.vmm() + " sandbox, not "
                    + vmm.cliName() + ": give --vmm " + saved.vmm() + ", or a new --state file", null);
        }
    }

    /**
     * Reads the file.
     *
     * @param file the state file
     * @return what it holds; empty when it does not exist yet
     * @throws BadInputException if it cannot be read or is not a state file
     */
    static Optional<Saved> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BadInputException("cannot read the state file " + file + ": " + e, e);
        }
        try {
            JsonNode root = Output.JSON.readTree(text);
            JsonNode sandbox = root.path("sandbox");
            if (!sandbox.isObject() || !root.path("decision").isString() || !root.path("reason").isString()) {
                throw new BadInputException("the state file " + file
                        + " is not a kata-pinning state (an object with sandbox, decision and reason)", null);
            }
            JsonNode vmm = root.path("vmm");
            if (!vmm.isMissingNode() && !(vmm.isString() && isKind(vmm.stringValue()))) {
                throw new BadInputException("the state file " + file + " has an unknown vmm " + vmm
                        + ": expected one of " + VmmKind.names(), null);
            }
            return Optional.of(new Saved(Output.JSON.writeValueAsString(sandbox),
                    root.path("decision").stringValue(), root.path("reason").stringValue(),
                    vmm.isMissingNode() ? VmmKind.QEMU.cliName() : vmm.stringValue(),
                    root.path("source").isString() ? root.path("source").stringValue() : null));
        } catch (JacksonException e) {
            throw new BadInputException("the state file " + file + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static boolean isKind(String name) {
        try {
            VmmKind.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Checks, before anything is changed, that the file can be written later.
     *
     * @param file the state file
     * @throws BadInputException if its directory does not exist or is not writable
     */
    static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BadInputException("cannot write the state file " + file + ": its directory "
                    + dir + " does not exist or is not writable", null);
        }
    }

    /**
     * Replaces the file's content so that a reader, a crash or a power loss leaves the old state or
     * the new, never part of one or an empty file: the new content goes to {@code <state>.tmp}
     * beside it, which is forced to disk, renamed over the file, and then the directory is forced too,
     * so that the rename itself is on disk.
     *
     * <p>The caller holds the {@link StateLock}, so no other command uses the temporary file meanwhile;
     * one left behind by a command killed while writing is overwritten by the next.
     *
     * @param file the state file
     * @param saved the new content
     * @throws IOException if it cannot be written, or the file system cannot rename atomically
     */
    static void write(Path file, Saved saved) throws IOException {
        ObjectNode root = Output.JSON.createObjectNode();
        root.set("sandbox", Output.JSON.readTree(saved.sandboxJson()));
        root.put("decision", saved.decision());
        root.put("reason", saved.reason());
        root.put("vmm", saved.vmm());
        if (saved.source() != null) {
            root.put("source", saved.source());
        }
        byte[] content = (Output.JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = tempFileOf(file);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Any other move could leave an empty or half-written state file after a crash.
                throw new IOException("cannot replace the state file " + file + " atomically: the file system of "
                        + dir + " cannot rename a file over another; keep the state file on one that can, such as "
                        + "a local disk or tmpfs", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // the rename is an entry of the directory: on disk only once it is synced
        }
    }

    /** {@return the temporary file of a state file: {@code <state>.tmp}, beside it} */
    static Path tempFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }
}
