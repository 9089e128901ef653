package dev.pgroll4j.core.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.pgroll4j.core.CompleteResult;
import dev.pgroll4j.core.ForeignObjectsException;
import dev.pgroll4j.core.MigrationListener;
import dev.pgroll4j.core.Pgroll;
import dev.pgroll4j.core.RollbackResult;
import dev.pgroll4j.core.StartResult;
import dev.pgroll4j.core.migration.Migration;
import dev.pgroll4j.core.migration.MigrationParser;
import dev.pgroll4j.core.reliability.Figures.Phase;
import dev.pgroll4j.test.CatalogSnapshot;
import dev.pgroll4j.test.TestDatabase;
import dev.pgroll4j.test.TestSqlException;

/**
 * Runs a {@link Scenario}'s migration, or its migrations as one rollout, while clients of both versions read and
 * write, the way a rolling deployment does: old clients before start, new clients from the moment their version
 * schema exists (the end of start), old clients stopped before complete (or new ones before rollback). Every client
 * has its own connection with its version schema on the {@code search_path}. Writers own disjoint rows, so a
 * {@link Model} can tell what every row must contain; the table is checked against it through the surviving version
 * at the end.
 */
final class LiveTraffic {

	static final int WRITERS_PER_VERSION = 2;

	static final int READERS_PER_VERSION = 1;

	/** Rows loaded before the migration must have ids below this; writers insert from their own blocks above it. */
	static final int ID_BLOCK = 10_000_000;

	private static final int SLOTS = 2 * WRITERS_PER_VERSION;

	/** How long traffic runs in each phase that is not bounded by the engine's own work. */
	private static final Duration PHASE = Duration.ofMillis(Long.getLong("pgroll.reliability.phase-millis", 1000));

	/**
	 * A client's pause after each statement. Real clients do other work between statements; without a pause six
	 * clients would saturate a small machine and starve the backfill they are meant to overlap.
	 */
	private static final long THINK_NANOS = 1000L * Long.getLong("pgroll.reliability.think-micros", 1000);

	private static final AtomicInteger schemas = new AtomicInteger();

	/** The table a {@link Scenario#withPinnedTable} run creates through a pinned connection, and its rows. */
	private static final String PINNED_TABLE = "pinned_notes";

	private static final int PINNED_ROWS = 1000;

	/** How the migration ends. */
	enum Ending {

		COMPLETE, ROLLBACK

	}

	private final TestDatabase database;

	private final Scenario scenario;

	private final Ending ending;

	private final String schema;

	private final Migration setup;

	/** The migrations under test, started as one rollout; just one unless the scenario says otherwise. */
	private final List<Migration> rollout;

	private final Figures figures;

	private final Model model = new Model();

	private final Clients oldClients;

	private final Clients newClients;

	private final List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());

	private volatile Phase phase = Phase.BEFORE_START;

	private int maxLoadedId;

	private LiveTraffic(TestDatabase database, Scenario scenario, Ending ending) {
		this.database = database;
		this.scenario = scenario;
		this.ending = ending;
		this.schema = "live" + schemas.incrementAndGet();
		this.setup = MigrationParser.parse("001_setup.yaml", scenario.setup());
		this.rollout = parse(scenario.migrations());
		this.figures = new Figures(ending);
		this.oldClients = new Clients(Version.OLD, this.setup.versionSchemaFor(this.schema));
		this.newClients = new Clients(Version.NEW, last().versionSchemaFor(this.schema));
	}

	/** {@code 002_under_test}, then {@code 003_under_test} and so on for the rest of a rollout. */
	private static List<Migration> parse(List<String> yamls) {
		List<Migration> rollout = new ArrayList<>();
		for (int i = 0; i < yamls.size(); i++) {
			rollout.add(MigrationParser.parse(String.format("%03d_under_test.yaml", 2 + i), yamls.get(i)));
		}
		return rollout;
	}

	/** The migration whose version schema new clients use: of a rollout, the last. */
	private Migration last() {
		return this.rollout.get(this.rollout.size() - 1);
	}

	private List<String> names() {
		return this.rollout.stream().map(Migration::name).toList();
	}

	static Outcome run(TestDatabase database, Scenario scenario, Ending ending) {
		return new LiveTraffic(database, scenario, ending).run();
	}

	private Outcome run() {
		long began = System.nanoTime();
		Pgroll pgroll = Pgroll.configure()
			.dataSource(this.database.dataSource())
			.schema(this.schema)
			.backfillBatchSize(1000)
			.listener(new MigrationListener() {
				@Override
				public void versionSchemaCreated(String name, String versionSchema) {
					// New clients connect as soon as they can: the version schema appears at the end of start, once
					// the backfill is done.
					if (name.equals(last().name())) {
						LiveTraffic.this.newClients.start();
					}
				}
			})
			.load();
		pgroll.init();
		pgroll.start(this.setup);
		pgroll.complete();
		loadRows();
		CatalogSnapshot beforeStart = this.database.catalogSnapshot();

		Outcome.Builder outcome = new Outcome.Builder(this.scenario, this.ending, this.figures,
				this.database.serverMajorVersion());
		this.oldClients.start();
		long phaseStarted = enter(Phase.BEFORE_START, System.nanoTime());
		pause();
		phaseStarted = enter(Phase.DURING_START, phaseStarted);
		Version survivor = (this.ending == Ending.COMPLETE) ? Version.NEW : Version.OLD;
		try {
			StartResult started = CompletableFuture.supplyAsync(() -> pgroll.start(this.rollout))
				.get(5, TimeUnit.MINUTES);
			outcome.backfilled(started.backfilledRows(), started.duration());
			checkStarted(started, outcome);
			phaseStarted = enter(Phase.AFTER_START, phaseStarted);
			if (this.scenario.pinnedTable()) {
				createPinnedTable();
			}
			pause();
			if (this.ending == Ending.COMPLETE) {
				// Rolling deployment: the last old instance is gone before the old version schema is dropped.
				this.oldClients.stop();
				phaseStarted = enter(Phase.ENDING, phaseStarted);
				outcome.ended(end(() -> complete(pgroll, outcome), pgroll, outcome));
			}
			else {
				this.newClients.stop();
				phaseStarted = enter(Phase.ENDING, phaseStarted);
				outcome.ended(end(() -> rollback(pgroll, outcome), pgroll, outcome));
			}
			phaseStarted = enter(Phase.AFTER_ENDING, phaseStarted);
			pause();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// The engine undoes a failed start; the old version must still hold every row.
			outcome.engineFailure(this.phase.label(this.ending),
					(ex instanceof ExecutionException) ? ex.getCause() : ex);
			survivor = Version.OLD;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			this.oldClients.stop();
			this.newClients.stop();
			this.figures.phaseTook(this.phase, System.nanoTime() - phaseStarted);
		}

		outcome.crashes(this.crashes);
		verify(survivor, outcome);
		outcome.leftovers(leftovers(survivor));
		if (survivor == Version.OLD) {
			outcome.catalogChanges(beforeStart.diff(this.database.catalogSnapshot()));
		}
		checkHistory(survivor, pgroll, outcome);
		outcome.activeMigration(pgroll.status().activeMigration());
		// Later runs in this database then neither scan nor snapshot this run's tables.
		List<String> dropped = new ArrayList<>(List.of(this.schema, this.oldClients.versionSchema));
		this.rollout.forEach((migration) -> dropped.add(migration.versionSchemaFor(this.schema)));
		for (String schema : dropped) {
			this.database.execute("DROP SCHEMA IF EXISTS " + ident(schema) + " CASCADE");
		}
		return outcome.took(Duration.ofNanos(System.nanoTime() - began)).build();
	}

	/**
	 * Start acted on every migration of the rollout and created only the last one's version schema: nobody ships
	 * the versions in between, and the one before the rollout keeps serving old clients.
	 */
	private void checkStarted(StartResult started, Outcome.Builder outcome) {
		if (!started.migrations().equals(names())) {
			outcome.problem("start reported " + started.migrations() + " instead of " + names());
		}
		List<String> schemas = this.database
			.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE ? || '\\_%'", this.schema)
			.stream()
			.map((row) -> (String) row.get("nspname"))
			.toList();
		TreeSet<String> expected = new TreeSet<>(List.of(this.oldClients.versionSchema, this.newClients.versionSchema));
		if (!new TreeSet<>(schemas).equals(expected)) {
			outcome.problem("after start the version schemas are " + schemas + " instead of " + expected);
		}
	}

	private Duration complete(Pgroll pgroll, Outcome.Builder outcome) {
		CompleteResult completed = pgroll.complete();
		checkEnded("complete", completed.migrations(), outcome);
		return completed.duration();
	}

	private Duration rollback(Pgroll pgroll, Outcome.Builder outcome) {
		RollbackResult rolledBack = pgroll.rollback();
		checkEnded("rollback", rolledBack.migrations(), outcome);
		return rolledBack.duration();
	}

	/** One complete or rollback acts on the whole rollout. */
	private void checkEnded(String ending, List<String> migrations, Outcome.Builder outcome) {
		if (!migrations.equals(names())) {
			outcome.problem(ending + " reported " + migrations + " instead of " + names());
		}
	}

	/** After complete the history holds every migration under test, done; after rollback (or a failed start) none. */
	private void checkHistory(Version survivor, Pgroll pgroll, Outcome.Builder outcome) {
		List<String> found = pgroll.history()
			.stream()
			.filter((record) -> names().contains(record.name()))
			.map((record) -> record.name() + (record.done() ? "" : " (not done)"))
			.toList();
		List<String> expected = (survivor == Version.NEW) ? names() : List.of();
		if (!found.equals(expected)) {
			outcome.problem("the history holds " + found + " of the migrations under test instead of " + expected);
		}
	}

	/** The version whose schema the ending drops: the old one at complete, the new one at rollback. */
	private Version going() {
		return (this.ending == Ending.COMPLETE) ? Version.OLD : Version.NEW;
	}

	/**
	 * What Flyway, {@code spring.sql.init} or Hibernate's {@code ddl-auto} do on a connection pinned to a version:
	 * an unqualified CREATE TABLE lands in the version schema. Runs while clients of both versions write.
	 */
	private void createPinnedTable() {
		try (Connection connection = connect(going()); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + PINNED_TABLE + " (id integer PRIMARY KEY, body text)");
			statement.execute("INSERT INTO " + PINNED_TABLE + " SELECT g, 'note-' || g FROM generate_series(1, "
					+ PINNED_ROWS + ") g");
		}
		catch (SQLException ex) {
			throw new TestSqlException("creating " + PINNED_TABLE + " through a pinned connection", ex);
		}
	}

	/**
	 * Ends the migration. In a pinned-table run the first attempt must refuse, naming the table, and change
	 * nothing; the table is then moved to the physical schema, as the refusal says, and the ending runs again.
	 */
	private Duration end(Supplier<Duration> ending, Pgroll pgroll, Outcome.Builder outcome) {
		if (!this.scenario.pinnedTable()) {
			return ending.get();
		}
		String table = clients(going()).versionSchema + "." + PINNED_TABLE;
		CatalogSnapshot before = this.database.catalogSnapshot();
		try {
			Duration took = ending.get();
			outcome.problem(this.ending + " succeeded although " + table + " was in the version schema it drops");
			return took;
		}
		catch (ForeignObjectsException ex) {
			if (!ex.objects().equals(List.of("table " + table))) {
				outcome.problem("the refusal listed " + ex.objects() + " instead of table " + table);
			}
		}
		List<String> changes = before.diff(this.database.catalogSnapshot());
		if (!changes.isEmpty()) {
			outcome.problem("the refused " + this.ending + " changed the catalog: " + changes);
		}
		if (pgroll.status().activeMigration() == null) {
			outcome.problem("the refused " + this.ending + " left no active migration");
		}
		this.database.execute("ALTER TABLE " + table + " SET SCHEMA " + ident(this.schema));
		Duration took = ending.get();
		String moved = ident(this.schema) + "." + PINNED_TABLE;
		checkPinnedRows(moved, outcome);
		if (this.ending == Ending.COMPLETE) {
			// Complete shows every table of the schema in the new version, the moved one too.
			String shown = ident(this.newClients.versionSchema) + "." + PINNED_TABLE;
			checkPinnedRows(shown, outcome);
			this.database.execute("DROP VIEW " + shown);
		}
		// The rest of the run checks what the migration left, as in any other run.
		this.database.execute("DROP TABLE " + moved);
		return took;
	}

	private void checkPinnedRows(String relation, Outcome.Builder outcome) {
		long rows = this.database.queryForLong("SELECT count(*) FROM " + relation + " WHERE body = 'note-' || id");
		if (rows != PINNED_ROWS) {
			outcome.problem(relation + " shows " + rows + " of the " + PINNED_ROWS + " rows of " + PINNED_TABLE);
		}
	}

	/** Moves to the next phase, recording how long the one that ends took. */
	private long enter(Phase next, long phaseStarted) {
		long now = System.nanoTime();
		if (next != this.phase) {
			this.figures.phaseTook(this.phase, now - phaseStarted);
		}
		this.phase = next;
		return now;
	}

	private static void pause() {
		try {
			Thread.sleep(PHASE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void loadRows() {
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO " + ident(this.schema));
			for (String sql : this.scenario.rows()) {
				statement.execute(sql);
			}
			// Statistics as autovacuum would have them for a table this size; only this run's tables.
			for (Map<String, Object> table : this.database.queryForList(
					"SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = ?",
					this.schema)) {
				statement.execute("ANALYZE " + table.get("name"));
			}
		}
		catch (SQLException ex) {
			throw new TestSqlException("loading rows of " + this.scenario, ex);
		}
		for (Table table : this.scenario.tables()) {
			if (table.side(Version.OLD) != null) {
				read(Version.OLD, table).forEach((id, row) -> {
					this.model.loaded(table, row);
					this.maxLoadedId = Math.max(this.maxLoadedId, id);
				});
			}
		}
		if (this.maxLoadedId >= ID_BLOCK) {
			throw new IllegalStateException("loaded ids must stay below " + ID_BLOCK);
		}
	}

	/** Every row of a table through a version, on a connection of that version. */
	private Map<Integer, Row> read(Version version, Table table) {
		Table.Side side = table.side(version);
		String sql = "SELECT " + side.columns().stream().map(LiveTraffic::ident).collect(Collectors.joining(", "))
				+ " FROM " + ident(side.table()) + " ORDER BY id";
		Map<Integer, Row> rows = new LinkedHashMap<>();
		try (Connection connection = connect(version); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			ResultSetMetaData meta = rs.getMetaData();
			while (rs.next()) {
				Map<String, Object> values = new LinkedHashMap<>();
				for (int i = 1; i <= meta.getColumnCount(); i++) {
					values.put(meta.getColumnLabel(i), rs.getObject(i));
				}
				rows.put(rs.getInt("id"), Row.of(values));
			}
		}
		catch (SQLException ex) {
			throw new TestSqlException(sql, ex);
		}
		return rows;
	}

	private void verify(Version survivor, Outcome.Builder outcome) {
		String versionSchema = clients(survivor).versionSchema;
		for (Table table : this.scenario.tables()) {
			Table.Side side = table.side(survivor);
			if (side == null) {
				outcome.gone(table.name(), this.database.queryForString(
						"SELECT concat_ws(' ', to_regclass(format('%I.%I', ?::text, ?::text)), "
								+ "to_regclass(format('%I.%I', ?::text, ?::text)))",
						this.schema, table.name(), versionSchema, table.name()));
				continue;
			}
			outcome.columns(table.name(), side.columns(), columnsOf(versionSchema, side.table()));
			Map<Integer, Row> expected = this.model.expected(table, survivor);
			Map<Integer, Row> actual = read(survivor, table);
			outcome.compared(table.name() + " through the " + survivor.label() + " version", expected, actual);
		}
	}

	private List<String> columnsOf(String versionSchema, String view) {
		return this.database
			.queryForList("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(format('%I.%I', ?::text, "
					+ "?::text)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum", versionSchema, view)
			.stream()
			.map((row) -> (String) row.get("attname"))
			.toList();
	}

	/**
	 * Objects the engine names {@code _pgroll_...} in the schema (index columns included: psql shows them), and
	 * version schemas that should be gone.
	 */
	private List<String> leftovers(Version survivor) {
		String expectedVersionSchema = clients(survivor).versionSchema;
		return this.database.queryForList("""
				WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = ?)
				SELECT 'relation ' || relname AS leftover FROM pg_class, s
				  WHERE relnamespace = s.oid AND relname LIKE '\\_pgroll\\_%'
				UNION ALL SELECT CASE WHEN c.relkind = 'i' THEN 'index column ' ELSE 'column ' END || c.relname || '.'
				    || a.attname
				  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid, s
				  WHERE c.relnamespace = s.oid AND a.attnum > 0 AND NOT a.attisdropped
				    AND a.attname LIKE '\\_pgroll\\_%'
				UNION ALL SELECT 'constraint ' || conname FROM pg_constraint, s
				  WHERE connamespace = s.oid AND conname LIKE '\\_pgroll\\_%'
				UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid, s
				  WHERE c.relnamespace = s.oid AND tgname LIKE '\\_pgroll\\_%'
				UNION ALL SELECT 'function ' || proname FROM pg_proc, s
				  WHERE pronamespace = s.oid AND proname LIKE '\\_pgroll\\_%'
				UNION ALL SELECT 'version schema ' || nspname FROM pg_namespace
				  WHERE nspname LIKE ? || '\\_%' AND nspname <> ?
				""", this.schema, this.schema, expectedVersionSchema)
			.stream()
			.map((row) -> (String) row.get("leftover"))
			.toList();
	}

	private Clients clients(Version version) {
		return (version == Version.OLD) ? this.oldClients : this.newClients;
	}

	private Connection connect(Version version) throws SQLException {
		Connection connection = this.database.dataSource().getConnection();
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET search_path TO " + ident(clients(version).versionSchema));
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		return connection;
	}

	private static String ident(String name) {
		return "\"" + name.replace("\"", "\"\"") + "\"";
	}

	/** Which writer slot owns a row: loaded rows are dealt out by id, inserted ones belong to their id block. */
	private static int owner(int id) {
		return (id < ID_BLOCK) ? id % SLOTS : id / ID_BLOCK - 1;
	}

	/** The writers and readers of one version. */
	private final class Clients {

		private final Version version;

		private final String versionSchema;

		private final AtomicBoolean running = new AtomicBoolean();

		private final List<Thread> threads = new ArrayList<>();

		Clients(Version version, String versionSchema) {
			this.version = version;
			this.versionSchema = versionSchema;
		}

		synchronized void start() {
			if (!this.running.compareAndSet(false, true)) {
				return;
			}
			int firstSlot = (this.version == Version.OLD) ? 0 : WRITERS_PER_VERSION;
			for (int i = 0; i < WRITERS_PER_VERSION; i++) {
				launch(new Writer(this, firstSlot + i), "writer-" + (firstSlot + i));
			}
			for (int i = 0; i < READERS_PER_VERSION; i++) {
				launch(new Reader(this, i), "reader-" + i);
			}
		}

		private void launch(Client client, String name) {
			Thread thread = new Thread(client, LiveTraffic.this.schema + "-" + this.version.label() + "-" + name);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}

		synchronized void stop() {
			this.running.set(false);
			for (Thread thread : this.threads) {
				try {
					thread.join(TimeUnit.MINUTES.toMillis(2));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				if (thread.isAlive()) {
					LiveTraffic.this.crashes.add(new IllegalStateException(thread.getName() + " did not stop"));
				}
			}
			this.threads.clear();
		}

	}

	/** A client thread: one connection of its version, statements until told to stop. */
	private abstract class Client implements Runnable {

		final Clients clients;

		final Version version;

		final Random random;

		Client(Clients clients, long seed) {
			this.clients = clients;
			this.version = clients.version;
			this.random = new Random(seed);
		}

		@Override
		public void run() {
			try (Connection connection = connect(this.version)) {
				prepare();
				while (this.clients.running.get()) {
					step(connection);
					LockSupport.parkNanos(THINK_NANOS);
				}
			}
			catch (Throwable ex) {
				LiveTraffic.this.crashes.add(ex);
			}
		}

		void prepare() {
		}

		abstract void step(Connection connection);

		List<Table> visibleTables() {
			return LiveTraffic.this.scenario.tables()
				.stream()
				.filter((table) -> table.side(this.version) != null)
				.toList();
		}

		/**
		 * Runs one statement, counting it and its latency in the phase it was issued in; a failure is counted, never
		 * retried. Returns the number of rows changed or read, or -1 after a failure.
		 */
		int execute(Connection connection, String sql, List<Object> parameters, boolean query) {
			Phase issuedIn = LiveTraffic.this.phase;
			long started = System.nanoTime();
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				for (int i = 0; i < parameters.size(); i++) {
					statement.setObject(i + 1, parameters.get(i));
				}
				int rows = 0;
				if (query) {
					try (ResultSet rs = statement.executeQuery()) {
						while (rs.next()) {
							rows++;
						}
					}
				}
				else {
					rows = statement.executeUpdate();
				}
				LiveTraffic.this.figures.statement(issuedIn, this.version, System.nanoTime() - started);
				return rows;
			}
			catch (SQLException ex) {
				LiveTraffic.this.figures.statement(issuedIn, this.version, System.nanoTime() - started);
				LiveTraffic.this.figures.failure(issuedIn, this.version, sql, parameters, ex);
				return -1;
			}
		}

		/** Runs a write that must change exactly one row; false if it failed or the row was not there. */
		boolean writeOne(Connection connection, String sql, List<Object> parameters) {
			Phase issuedIn = LiveTraffic.this.phase;
			int rows = execute(connection, sql, parameters, false);
			if (rows >= 0 && rows != 1) {
				LiveTraffic.this.figures.anomaly(issuedIn, this.version,
						sql + " " + parameters + " changed " + rows + " rows instead of 1");
			}
			return rows == 1;
		}

	}

	/** Inserts, updates and deletes its own rows, and tells the model what each successful write did. */
	private final class Writer extends Client {

		private final int slot;

		private final Map<Table, List<Integer>> owned = new HashMap<>();

		private final Map<Table, Integer> inserted = new HashMap<>();

		Writer(Clients clients, int slot) {
			super(clients, 31L * LiveTraffic.this.schema.hashCode() + slot);
			this.slot = slot;
		}

		@Override
		void prepare() {
			for (Table table : visibleTables()) {
				List<Integer> ids = new ArrayList<>();
				for (int id : LiveTraffic.this.model.ids(table)) {
					if (owner(id) == this.slot) {
						ids.add(id);
					}
				}
				this.owned.put(table, ids);
			}
		}

		@Override
		void step(Connection connection) {
			List<Table> tables = visibleTables();
			Table table = tables.get(this.random.nextInt(tables.size()));
			List<Integer> ids = this.owned.get(table);
			int roll = this.random.nextInt(100);
			if (ids.isEmpty() || roll < 30) {
				insert(connection, table, ids);
			}
			else if (roll < 80) {
				update(connection, table, ids.get(this.random.nextInt(ids.size())));
			}
			else {
				delete(connection, table, ids, this.random.nextInt(ids.size()));
			}
		}

		private void insert(Connection connection, Table table, List<Integer> ids) {
			Table.Side side = table.side(this.version);
			int id = ID_BLOCK * (this.slot + 1) + this.inserted.merge(table, 1, Integer::sum);
			Map<String, Object> values = new LinkedHashMap<>();
			values.put("id", id);
			Map<String, Object> row = new LinkedHashMap<>(values);
			for (Table.Write write : side.writes()) {
				if (write.omittable() && this.random.nextBoolean()) {
					for (int i = 0; i < write.columns().size(); i++) {
						row.put(write.columns().get(i), write.defaults().get(i));
					}
				}
				else {
					Map<String, Object> written = Table.Side.values(write, this.random, id);
					values.putAll(written);
					row.putAll(written);
				}
			}
			String sql = "INSERT INTO " + ident(side.table()) + " ("
					+ values.keySet().stream().map(LiveTraffic::ident).collect(Collectors.joining(", "))
					+ ") VALUES (" + values.keySet().stream().map((c) -> "?").collect(Collectors.joining(", ")) + ")";
			if (writeOne(connection, sql, new ArrayList<>(values.values()))) {
				ids.add(id);
				LiveTraffic.this.model.inserted(table, this.version, Row.of(row));
			}
		}

		private void update(Connection connection, Table table, int id) {
			Table.Side side = table.side(this.version);
			Table.Write write = side.writes().get(this.random.nextInt(side.writes().size()));
			if (write.relative()) {
				updateRelatively(connection, table, id, write);
				return;
			}
			Map<String, Object> changes = Table.Side.values(write, this.random, id);
			String sql = "UPDATE " + ident(side.table()) + " SET "
					+ changes.keySet().stream().map((c) -> ident(c) + " = ?").collect(Collectors.joining(", "))
					+ " WHERE id = ?";
			List<Object> parameters = new ArrayList<>(changes.values());
			parameters.add(id);
			if (writeOne(connection, sql, parameters)) {
				LiveTraffic.this.model.updated(table, this.version, id, changes);
			}
		}

		/** {@code SET column = <expression over column>}: the row's owner knows what it holds, so the model does. */
		private void updateRelatively(Connection connection, Table table, int id, Table.Write write) {
			String column = write.columns().get(0);
			Object before = LiveTraffic.this.model.current(table, this.version, id).get(column);
			String sql = "UPDATE " + ident(table.side(this.version).table()) + " SET " + ident(column) + " = "
					+ write.expression() + " WHERE id = ?";
			if (writeOne(connection, sql, List.of(id))) {
				Map<String, Object> changes = new LinkedHashMap<>();
				changes.put(column, write.twin().apply(before));
				LiveTraffic.this.model.updated(table, this.version, id, changes);
			}
		}

		private void delete(Connection connection, Table table, List<Integer> ids, int index) {
			int id = ids.get(index);
			if (writeOne(connection, "DELETE FROM " + ident(table.side(this.version).table()) + " WHERE id = ?",
					List.of(id))) {
				ids.set(index, ids.get(ids.size() - 1));
				ids.remove(ids.size() - 1);
				LiveTraffic.this.model.deleted(table, id);
			}
		}

	}

	/** Reads rows by id (present or not) and counts the table, as a dashboard would. */
	private final class Reader extends Client {

		Reader(Clients clients, int index) {
			super(clients, 17L * LiveTraffic.this.schema.hashCode() + index + 1000L * clients.version.ordinal());
		}

		@Override
		void step(Connection connection) {
			List<Table> tables = visibleTables();
			Table.Side side = tables.get(this.random.nextInt(tables.size())).side(this.version);
			if (this.random.nextInt(10) < 8) {
				execute(connection, "SELECT * FROM " + ident(side.table()) + " WHERE id = ?",
						List.of(1 + this.random.nextInt(Math.max(1, LiveTraffic.this.maxLoadedId))), true);
			}
			else {
				execute(connection, "SELECT count(*) FROM " + ident(side.table()), List.of(), true);
			}
		}

	}

}
