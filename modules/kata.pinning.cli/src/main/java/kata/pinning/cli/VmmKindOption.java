package kata.pinning.cli;

import kata.pinning.VmmKind;
import picocli.CommandLine;

/** Reads {@code --vmm} by the kinds' CLI names, such as {@code cloud-hypervisor}. */
final class VmmKindOption implements CommandLine.ITypeConverter<VmmKind> {

    @Override
    public VmmKind convert(String value) {
        try {
            return VmmKind.of(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
