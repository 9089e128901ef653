package dev.pgroll4j.spring.autoconfigure;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import dev.pgroll4j.core.operations.AddColumn;
import dev.pgroll4j.core.operations.AlterColumn;
import dev.pgroll4j.core.operations.ColumnDefinition;
import dev.pgroll4j.core.operations.CreateIndex;
import dev.pgroll4j.core.operations.CreateTable;
import dev.pgroll4j.core.operations.ForeignKeyReference;
import dev.pgroll4j.core.operations.IndexColumn;
import dev.pgroll4j.core.operations.OperationKind;
import dev.pgroll4j.core.operations.RawSql;
import dev.pgroll4j.core.schema.ColumnSnapshot;
import dev.pgroll4j.core.schema.ConstraintType;
import dev.pgroll4j.core.schema.SchemaSnapshot;
import dev.pgroll4j.core.schema.TableSnapshot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image of an application with pgroll is built with, as {@link RuntimeHintsPredicates} read them.
 */
class PgrollRuntimeHintsTests {

	private final RuntimeHints hints = registered();

	private static RuntimeHints registered() {
		RuntimeHints hints = new RuntimeHints();
		new PgrollRuntimeHints().registerHints(hints, PgrollRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	@Test
	void includesTheMigrationFilesOfTheDefaultLocationInEveryFormat() {
		assertThat(RuntimeHintsPredicates.resource().forResource("db/pgroll/01_x.yaml")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/pgroll/02_y.yml")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/pgroll/03_z.json")).accepts(this.hints);
	}

	@Test
	void includesNoOtherFilesAndNoSubfoldersWhichTheLoaderDoesNotRead() {
		assertThat(RuntimeHintsPredicates.resource().forResource("db/pgroll/README.md")).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/pgroll/old/01_x.yaml")).rejects(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/migration/01_x.yaml")).rejects(this.hints);
	}

	@Test
	void letsJacksonBuildEveryOperationRecordAFileNames() {
		for (OperationKind kind : OperationKind.values()) {
			assertThat(boundByJackson(kind.type())).as(kind.key()).accepts(this.hints);
		}
		// A few by name, so that a kind whose record is missing from OperationKind still fails here.
		assertThat(boundByJackson(CreateTable.class)).accepts(this.hints);
		assertThat(boundByJackson(AddColumn.class)).accepts(this.hints);
		assertThat(boundByJackson(AlterColumn.class)).accepts(this.hints);
		assertThat(boundByJackson(CreateIndex.class)).accepts(this.hints);
		assertThat(boundByJackson(RawSql.class)).accepts(this.hints);
	}

	@Test
	void letsJacksonBuildTheDefinitionsNestedInOperations() {
		assertThat(boundByJackson(ColumnDefinition.class)).accepts(this.hints);
		assertThat(boundByJackson(ForeignKeyReference.class)).accepts(this.hints);
		assertThat(boundByJackson(IndexColumn.class)).accepts(this.hints);
	}

	@Test
	void letsJacksonWriteAndReadTheSchemaSnapshotsOfTheHistory() {
		assertThat(boundByJackson(SchemaSnapshot.class)).accepts(this.hints);
		assertThat(boundByJackson(TableSnapshot.class)).accepts(this.hints);
		assertThat(boundByJackson(ColumnSnapshot.class)).accepts(this.hints);
		// The constraint type is stored by its catalog code, through its @JsonValue and @JsonCreator methods.
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ConstraintType.class, "code"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ConstraintType.class, "ofCode"))
			.accepts(this.hints);
	}

	/** What Jackson calls to read a record: its canonical constructor; to write it: its accessors. */
	static Predicate<RuntimeHints> boundByJackson(Class<?> record) {
		assertThat(record.isRecord()).as(record + " is a record").isTrue();
		RecordComponent[] components = record.getRecordComponents();
		Predicate<RuntimeHints> bound;
		try {
			bound = RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(record.getDeclaredConstructor(
						Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		for (RecordComponent component : components) {
			bound = bound.and(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()));
		}
		return bound;
	}

}
