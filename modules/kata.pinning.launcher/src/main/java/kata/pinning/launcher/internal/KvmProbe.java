package kata.pinning.launcher.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Whether KVM can be tried: QEMU opens its device for reading and writing. */
public final class KvmProbe {

    private KvmProbe() {
    }

    /**
     * {@return whether {@code device} opens for reading and writing}
     *
     * @param device the KVM device, {@code /dev/kvm} outside tests
     */
    public static boolean opensReadWrite(Path device) {
        try (FileChannel ignored = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
