package dev.pgroll4j.spring.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.pgroll4j.core.BackfillProgress;
import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.Instance;
import dev.pgroll4j.core.InstanceRegistration;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.LiveInstancePolicy;
import dev.pgroll4j.core.MigrateResult;
import dev.pgroll4j.core.MigrationRecord;
import dev.pgroll4j.core.MigrationStatus;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.spring.PgrollInstance;
import dev.pgroll4j.spring.PgrollMigrationEvents;
import dev.pgroll4j.spring.PgrollMigrationInitializer;
import dev.pgroll4j.spring.PgrollMigrations;

/**
 * {@code /actuator/pgroll}: the state of the migrations (read), and complete or roll back the active migration (of a
 * rollout, all of its migrations at once), or roll back a start whose process died (write:
 * {@code POST /actuator/pgroll/complete}, {@code .../rollback}, {@code .../repair}). Read-only unless
 * {@code management.endpoint.pgroll.access=unrestricted}, like Boot's shutdown endpoint.
 */
@Endpoint(id = "pgroll", defaultAccess = Access.READ_ONLY)
// Boot's operation processor registers what a return type reaches; the write operations return Object, so what they
// answer with is registered here for a native image's JSON writer.
@RegisterReflectionForBinding({ CompleteResult.class, RollbackResult.class, PgrollEndpoint.RepairOutcome.class })
public class PgrollEndpoint {

	private final Pgroll pgroll;

	private final PgrollMigrations migrations;

	private final PgrollMigrationEvents events;

	private final @Nullable PgrollMigrationInitializer initializer;

	private final @Nullable PgrollInstance instance;

	/**
	 * The endpoint of an application's migrations.
	 * @param pgroll the engine
	 * @param migrations the application's migrations
	 * @param events the engine's events, for the backfill progress
	 * @param initializer what migrated at start-up, or {@code null} if nothing did
	 */
	public PgrollEndpoint(Pgroll pgroll, PgrollMigrations migrations, PgrollMigrationEvents events,
			@Nullable PgrollMigrationInitializer initializer) {
		this(pgroll, migrations, events, initializer, null);
	}

	/**
	 * The endpoint of an application's migrations.
	 * @param instance this instance in the registry, or {@code null} if it does not register: a rollback it asks
	 * for does not count it among the live instances of the version schema rollback drops
	 */
	public PgrollEndpoint(Pgroll pgroll, PgrollMigrations migrations, PgrollMigrationEvents events,
			@Nullable PgrollMigrationInitializer initializer, @Nullable PgrollInstance instance) {
		this.pgroll = pgroll;
		this.migrations = migrations;
		this.events = events;
		this.initializer = initializer;
		this.instance = instance;
	}

	/**
	 * The state of the migrations.
	 * @param history how many of the newest migrations to list ({@code ?history=100}); by default
	 * {@value Pgroll#DEFAULT_STATUS_HISTORY}
	 */
	@ReadOperation
	public PgrollDescriptor status(@Nullable Integer history) {
		int limit = (history != null) ? history : Pgroll.DEFAULT_STATUS_HISTORY;
		if (limit < 1) {
			throw new InvalidEndpointRequestException("history must be at least 1, not " + limit,
					"history must be at least 1");
		}
		MigrationStatus status = this.pgroll.status(limit);
		return new PgrollDescriptor(status.schema(), status.state().name(), this.migrations.versionSchema(),
				status.latestVersionSchema(), status.previousVersionSchema(), status.activeMigration(),
				RolloutDescriptor.of(status), instancesByVersionSchema(status.instances()),
				this.events.backfillProgress().values(), (this.initializer != null) ? this.initializer.result() : null,
				status.history(), status.earlierHistory());
	}

	/** The live instances grouped by the version schema each uses, version schemas in name order. */
	static Map<String, List<Instance>> instancesByVersionSchema(List<Instance> instances) {
		Map<String, List<Instance>> grouped = new TreeMap<>();
		instances.forEach((instance) -> grouped.computeIfAbsent(instance.versionSchema(), (key) -> new ArrayList<>())
			.add(instance));
		return grouped;
	}

	/**
	 * Completes ({@code complete}) or rolls back ({@code rollback}) the active migration, or rolls back a start that
	 * did not finish because its process died ({@code repair}). Of a rollout, every migration is completed or rolled
	 * back; the result lists them under {@code migrations}. Complete and rollback refuse while live instances use the
	 * version schema they would drop ({@link InstancesStillLiveException}); this instance itself does not count for a
	 * rollback (it asked for it, knowing it loses its version schema). {@link #performForced} overrides.
	 * @param action what to do
	 * @return the engine's result; for {@code repair}, a {@link RepairOutcome}
	 */
	@WriteOperation
	public Object perform(@Selector Action action) {
		return perform(action, LiveInstancePolicy.REFUSE);
	}

	/**
	 * Completes or rolls back even while live instances use the version schema it drops
	 * ({@code POST /actuator/pgroll/complete/force}): their queries fail from then on; they are logged at WARN, and
	 * their readiness turns to refusing traffic at their next heartbeat. A path segment rather than a parameter, so
	 * that a POST needs no body.
	 * @param action complete or rollback
	 * @param mode {@code force}
	 */
	@WriteOperation
	public Object performForced(@Selector Action action, @Selector Mode mode) {
		if (action == Action.REPAIR) {
			throw new InvalidEndpointRequestException("repair has nothing to force: it only rolls back a start whose "
					+ "process died", "repair has nothing to force");
		}
		return perform(action, LiveInstancePolicy.FORCE);
	}

	/**
	 * Runs an action with the given policy for live instances.
	 * @param policy whether complete and rollback refuse while live instances use the version schema they drop
	 * @return the engine's result; for {@code repair}, a {@link RepairOutcome}
	 */
	public Object perform(Action action, LiveInstancePolicy policy) {
		return switch (action) {
			case COMPLETE -> this.pgroll.complete(policy);
			case ROLLBACK -> rollback(policy);
			case REPAIR -> this.pgroll.repair()
				.map((rollback) -> new RepairOutcome(true, rollback))
				.orElse(new RepairOutcome(false, null));
		};
	}

	/** A rollback asked for through this instance, which knows it loses its version schema. */
	private RollbackResult rollback(LiveInstancePolicy policy) {
		InstanceRegistration self = (this.instance != null) ? this.instance.registration() : null;
		return (self != null) ? this.pgroll.rollback(policy, self.id()) : this.pgroll.rollback(policy);
	}

	/** What the write operation does, selected by the last segment of its path ({@code /actuator/pgroll/complete}). */
	public enum Action {

		/** Complete the active migration, or every migration of the active rollout. */
		COMPLETE,

		/** Roll the active migration back, or every migration of the active rollout. */
		ROLLBACK,

		/** Roll back a start that did not finish because its process died. */
		REPAIR;

		/** The action's name in a path, such as {@code complete}. */
		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		/**
		 * The action a path names, spelled exactly as its {@link #id()}.
		 * @param id the path segment
		 * @return the action
		 * @throws InvalidEndpointRequestException for any other name
		 */
		public static Action of(String id) {
			for (Action action : values()) {
				if (action.id().equals(id)) {
					return action;
				}
			}
			List<String> ids = Stream.of(values()).map(Action::id).toList();
			throw new InvalidEndpointRequestException("unknown action '" + id + "': use "
					+ String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1),
					"unknown action");
		}

	}

	/** How a forced write operation is spelled: {@code /actuator/pgroll/complete/force}. */
	public enum Mode {

		/** Go ahead although live instances use the version schema that is dropped. */
		FORCE;

		/**
		 * The mode a path names, spelled {@code force}.
		 * @throws InvalidEndpointRequestException for anything else
		 */
		public static Mode of(String id) {
			if (id.equals("force")) {
				return FORCE;
			}
			throw new InvalidEndpointRequestException("unknown mode '" + id + "': the only one is force",
					"unknown mode");
		}

	}

	/**
	 * What {@code repair} did.
	 *
	 * @param repaired whether there was an unfinished start to roll back
	 * @param rolledBack its rollback, or {@code null} when every start had finished
	 */
	public record RepairOutcome(boolean repaired, @Nullable RollbackResult rolledBack) {
	}

	/**
	 * The migrations that the next complete or rollback acts on: those a release started together (see
	 * {@link Pgroll#start(List)}), or the active migration alone.
	 *
	 * @param migrations their names, in the order they apply
	 * @param versionSchema the version schema they created, which the new release uses
	 * @param previousVersionSchema the version schema before them, which the running release keeps using until the
	 * rollout is completed; {@code null} if there is none
	 */
	public record RolloutDescriptor(List<String> migrations, String versionSchema,
			@Nullable String previousVersionSchema) {

		public RolloutDescriptor {
			migrations = List.copyOf(migrations);
		}

		/** The active rollout of a status, or {@code null} when no migration is active. */
		static @Nullable RolloutDescriptor of(MigrationStatus status) {
			List<MigrationRecord> rollout = status.rollout();
			if (rollout.isEmpty()) {
				return null;
			}
			return new RolloutDescriptor(rollout.stream().map(MigrationRecord::name).toList(),
					rollout.get(rollout.size() - 1).versionSchema(), status.previousVersionSchema());
		}

	}

	/**
	 * What the endpoint shows.
	 *
	 * @param schema the migrated schema
	 * @param state NO_MIGRATIONS, IN_PROGRESS or COMPLETE
	 * @param applicationVersionSchema the version schema this application instance is pinned to
	 * @param latestVersionSchema the newest version schema in the database
	 * @param previousVersionSchema during a migration, the version schema of the previous application version
	 * @param activeMigration the migration in progress (of a rollout, its last), if any
	 * @param rollout the migrations in progress and the version schemas of the new and the running release, or
	 * {@code null} when none is active
	 * @param instances the live application instances, by the version schema each uses
	 * @param backfill progress of the tables this instance backfilled during the active migration
	 * @param startup what start-up did
	 * @param history the newest migrations, oldest first
	 * @param earlierHistory whether older migrations exist than the first one listed
	 */
	public record PgrollDescriptor(String schema, String state, @Nullable String applicationVersionSchema,
			@Nullable String latestVersionSchema, @Nullable String previousVersionSchema,
			@Nullable MigrationRecord activeMigration, @Nullable RolloutDescriptor rollout,
			Map<String, List<Instance>> instances, Collection<BackfillProgress> backfill,
			@Nullable MigrateResult startup, List<MigrationRecord> history, boolean earlierHistory)
			implements OperationResponseBody {

		public PgrollDescriptor {
			instances = Collections.unmodifiableMap(new TreeMap<>(instances));
		}

		/** What the endpoint showed before the instance registry: no {@code instances}. */
		public PgrollDescriptor(String schema, String state, @Nullable String applicationVersionSchema,
				@Nullable String latestVersionSchema, @Nullable String previousVersionSchema,
				@Nullable MigrationRecord activeMigration, @Nullable RolloutDescriptor rollout,
				Collection<BackfillProgress> backfill, @Nullable MigrateResult startup, List<MigrationRecord> history,
				boolean earlierHistory) {
			this(schema, state, applicationVersionSchema, latestVersionSchema, previousVersionSchema, activeMigration,
					rollout, Map.of(), backfill, startup, history, earlierHistory);
		}

		/** What the endpoint showed before rollouts: no {@code rollout}. */
		public PgrollDescriptor(String schema, String state, @Nullable String applicationVersionSchema,
				@Nullable String latestVersionSchema, @Nullable String previousVersionSchema,
				@Nullable MigrationRecord activeMigration, Collection<BackfillProgress> backfill,
				@Nullable MigrateResult startup, List<MigrationRecord> history, boolean earlierHistory) {
			this(schema, state, applicationVersionSchema, latestVersionSchema, previousVersionSchema, activeMigration,
					null, Map.of(), backfill, startup, history, earlierHistory);
		}

	}

}
