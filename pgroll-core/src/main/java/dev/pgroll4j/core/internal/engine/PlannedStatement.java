package dev.pgroll4j.core.internal.engine;

import java.sql.SQLException;

import dev.pgroll4j.core.internal.jdbc.RetryingTransactions;

/**
 * A statement complete or rollback collected from an operation, to run later in its transaction.
 *
 * @param origin what it is for, as errors name it
 * @param userSql whether it is the SQL of a {@code sql} operation, which runs contained
 */
record PlannedStatement(String sql, String origin, boolean userSql) {

	PlannedStatement(String sql, String origin) {
		this(sql, origin, false);
	}

	void run(RetryingTransactions.Tx tx) throws SQLException {
		if (this.userSql) {
			tx.executeUserSql(this.sql, this.origin);
		}
		else {
			tx.execute(this.sql, this.origin);
		}
	}

}
