package dev.pgroll4j.spring.actuate;

import java.lang.reflect.RecordComponent;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import dev.pgroll4j.core.BackfillProgress;
import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.RollbackResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image's JSON writer may read of the endpoint's answers, as AOT processing of the endpoint bean
 * registers it: Boot's operation processor for what the read operation's return type reaches, the endpoint's own
 * {@code @RegisterReflectionForBinding} for what the write operations (declared as {@code Object}) return.
 */
class PgrollEndpointRuntimeHintsTests {

	private final RuntimeHints hints = registered();

	private static RuntimeHints registered() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, PgrollEndpoint.class,
				PgrollEndpointWebExtension.class);
		return hints;
	}

	@Test
	void letsTheStatusBeWrittenWithEverythingItHolds() {
		assertThat(writable(PgrollEndpoint.PgrollDescriptor.class)).accepts(this.hints);
		assertThat(writable(PgrollEndpoint.RolloutDescriptor.class)).accepts(this.hints);
		assertThat(writable(MigrationRecord.class)).accepts(this.hints);
		assertThat(writable(Instance.class)).accepts(this.hints);
		assertThat(writable(BackfillProgress.class)).accepts(this.hints);
		assertThat(writable(MigrateResult.class)).accepts(this.hints);
	}

	@Test
	void letsTheAnswersOfCompleteRollbackAndRepairBeWritten() {
		assertThat(writable(CompleteResult.class)).accepts(this.hints);
		assertThat(writable(RollbackResult.class)).accepts(this.hints);
		assertThat(writable(PgrollEndpoint.RepairOutcome.class)).accepts(this.hints);
	}

	/** What Jackson calls to write a record: its accessors. */
	private static Predicate<RuntimeHints> writable(Class<?> record) {
		assertThat(record.isRecord()).as(record + " is a record").isTrue();
		Predicate<RuntimeHints> writable = RuntimeHintsPredicates.reflection().onType(record);
		for (RecordComponent component : record.getRecordComponents()) {
			writable = writable.and(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()));
		}
		return writable;
	}

}
