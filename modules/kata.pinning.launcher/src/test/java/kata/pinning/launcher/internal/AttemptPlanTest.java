package kata.pinning.launcher.internal;

import static kata.pinning.launcher.QemuChoice.KVM_BASELINE;
import static kata.pinning.launcher.QemuChoice.KVM_HOST;
import static kata.pinning.launcher.QemuChoice.TCG_MAX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import kata.pinning.launcher.Accelerator;
import org.junit.jupiter.api.Test;

class AttemptPlanTest {

    @Test
    void withKvmTheHostModelThenTheBaselineThenTcg() {
        assertEquals(List.of(KVM_HOST, KVM_BASELINE, TCG_MAX), AttemptPlan.choices(Optional.empty(), true));
    }

    @Test
    void withoutKvmOnlyTcg() {
        assertEquals(List.of(TCG_MAX), AttemptPlan.choices(Optional.empty(), false));
    }

    @Test
    void forcedKvmTriesBothModelsWhateverTheDeviceSaysAndNeverTcg() {
        assertEquals(List.of(KVM_HOST, KVM_BASELINE), AttemptPlan.choices(Optional.of(Accelerator.KVM), true));
        assertEquals(List.of(KVM_HOST, KVM_BASELINE), AttemptPlan.choices(Optional.of(Accelerator.KVM), false));
    }

    @Test
    void forcedTcgSkipsKvmEvenWhenItWorks() {
        assertEquals(List.of(TCG_MAX), AttemptPlan.choices(Optional.of(Accelerator.TCG), true));
    }
}
