package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.pgroll4j.core.SqlFragment;
import dev.pgroll4j.core.sql.ColumnTypes;

/**
 * A column as written in {@code create_table.columns[]} and {@code add_column.column}. Columns are NOT NULL
 * unless {@code nullable} is true, as in pgroll.
 */
public record ColumnDefinition(@Nullable String name, @Nullable String type, @Nullable Boolean nullable,
		@Nullable Boolean unique, @Nullable Boolean pk, @JsonProperty("default") @Nullable String defaultValue,
		@Nullable String comment, @Nullable CheckDefinition check, @Nullable ForeignKeyReference references,
		@Nullable GeneratedDefinition generated) {

	public boolean isNullable() {
		return Boolean.TRUE.equals(this.nullable);
	}

	public boolean isUnique() {
		return Boolean.TRUE.equals(this.unique);
	}

	public boolean isPrimaryKey() {
		return Boolean.TRUE.equals(this.pk);
	}

	public boolean isIdentity() {
		return this.generated != null && this.generated.identity() != null;
	}

	public boolean isGeneratedExpression() {
		return this.generated != null && this.generated.expression() != null
				&& !this.generated.expression().isEmpty();
	}

	/** serial types are not real types; they expand to an integer column with a sequence default. */
	public boolean isSerial() {
		return ColumnTypes.isSerial(this.type);
	}

	ColumnDefinition mapSql(SqlMapper mapper, String path) {
		return new ColumnDefinition(this.name, this.type, this.nullable, this.unique, this.pk,
				mapper.map(path + ".default", SqlFragment.Kind.DEFAULT, this.defaultValue), this.comment,
				(this.check != null) ? this.check.mapSql(mapper, path + ".check") : null, this.references,
				(this.generated != null) ? this.generated.mapSql(mapper, path + ".generated") : null);
	}

}
