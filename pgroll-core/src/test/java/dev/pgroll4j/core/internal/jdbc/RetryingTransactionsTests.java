package dev.pgroll4j.core.internal.jdbc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which statements outside a transaction may wait past lock_timeout, because their lock queues no client. */
class RetryingTransactionsTests {

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|', value = {
			"CREATE INDEX CONCURRENTLY \"i\" ON \"s\".\"t\" (a)|true",
			"create unique index  concurrently \"i\" ON \"s\".\"t\" (a)|true",
			"ALTER TABLE \"s\".\"t\" VALIDATE CONSTRAINT \"c\"|true",
			// Adding a foreign key takes SHARE ROW EXCLUSIVE on both tables: it blocks writers.
			"ALTER TABLE \"s\".\"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (a) REFERENCES \"s\".\"u\" (id) NOT VALID|false",
			"ALTER TABLE \"s\".\"t\" REPLICA IDENTITY USING INDEX \"i\"|false",
			"ALTER TABLE \"s\".\"t\" VALIDATE CONSTRAINT \"c\", ADD COLUMN x int|false" })
	void onlyStatementsTakingShareUpdateExclusiveWaitPastLockTimeout(String sql, boolean queuesNoClients) {
		assertThat(RetryingTransactions.queuesNoClients(sql)).isEqualTo(queuesNoClients);
	}

}
