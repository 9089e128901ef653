package dev.pgroll4j.core.operations;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry the parser reads files through must know every operation the engine can run, once each. */
class OperationKindTests {

	@Test
	void everyOperationRecordIsRegisteredUnderExactlyOneKey() {
		List<Class<?>> registered = Arrays.stream(OperationKind.values()).<Class<?>>map(OperationKind::type).toList();
		assertThat(registered).doesNotHaveDuplicates()
			.containsExactlyInAnyOrder(Operation.class.getPermittedSubclasses());
		assertThat(OperationKind.keys()).doesNotHaveDuplicates().hasSize(OperationKind.values().length);
	}

	@Test
	void anOperationReportsTheKeyItIsReadFrom() {
		assertThat(new DropIndex("items_name_idx").kind()).isEqualTo("drop_index");
		assertThat(OperationKind.byKey("drop_index")).contains(OperationKind.DROP_INDEX);
		assertThat(OperationKind.byKey("drop_everything")).isEmpty();
	}

}
