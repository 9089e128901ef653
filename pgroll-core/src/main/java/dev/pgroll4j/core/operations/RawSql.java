package dev.pgroll4j.core.operations;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.pgroll4j.core.SqlFragment;

/**
 * {@code sql}: user SQL run at start ({@code up}) and undone on rollback ({@code down}), or run at complete when
 * {@code onComplete} is true. Without {@code onComplete} it must be the only operation of its migration, because
 * the engine cannot know what it changed; the new version schema shows the schema as the SQL left it.
 */
public record RawSql(@Nullable String up, @Nullable String down,
		@JsonProperty("onComplete") @Nullable Boolean onComplete) implements Operation {

	@Override
	public RawSql mapSql(SqlMapper mapper) {
		return new RawSql(mapper.map("up", SqlFragment.Kind.RAW_SQL, this.up),
				mapper.map("down", SqlFragment.Kind.RAW_SQL, this.down), this.onComplete);
	}

	private boolean runsOnComplete() {
		return Boolean.TRUE.equals(this.onComplete);
	}

	private boolean hasDown() {
		return this.down != null && !this.down.isBlank();
	}

	@Override
	public boolean isIsolated() {
		return !runsOnComplete();
	}

	@Override
	public void validate(ValidationContext context) {
		if (this.up == null || this.up.isBlank()) {
			throw context.invalid("up", "is required and must not be empty");
		}
		if (runsOnComplete() && hasDown()) {
			throw context.invalid("down", "is not allowed with onComplete: true; SQL that runs at complete cannot be "
					+ "rolled back");
		}
	}

	@Override
	public void start(StartContext context) {
		if (!runsOnComplete()) {
			// Without down, rollback drops what up created; with down, down is trusted to undo it.
			context.executeUserSql(this.up, !hasDown());
			context.refreshSchema();
		}
	}

	@Override
	public void complete(CompleteContext context) {
		if (runsOnComplete()) {
			context.executeUserSql(this.up);
		}
	}

	@Override
	public void rollback(RollbackContext context) {
		if (!runsOnComplete()) {
			if (hasDown()) {
				context.executeUserSql(this.down);
			}
			else {
				context.undoInferred();
			}
		}
	}

}
