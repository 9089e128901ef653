package dev.pgroll4j.core.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the temporary objects a migration creates. They are derived from user names only, so complete and
 * rollback (possibly in another process) find them again; long names are shortened with a hash instead of being
 * truncated by the server into collisions.
 */
public final class InternalNames {

	public static final String NEEDS_BACKFILL_COLUMN = "_pgroll_needs_backfill";

	/**
	 * The function of per-column triggers that earlier versions of this engine created; complete and rollback of a
	 * migration such a version started still drop it.
	 */
	public static final String WRITTEN_FUNCTION = "_pgroll_set_written";

	private InternalNames() {
	}

	public static String temporaryColumn(String column) {
		return fit("_pgroll_new_", column);
	}

	public static String deletedTable(String table) {
		return fit("_pgroll_del_", table);
	}

	public static String notNullCheck(String column) {
		return fit("_pgroll_check_not_null_", column);
	}

	public static String uniqueIndex(String table, String column) {
		return fit("_pgroll_uniq_", table + "_" + column);
	}

	public static String triggerFunction(String table) {
		return fit("_pgroll_trigger_", table);
	}

	/**
	 * The trigger (and its function) that runs {@code down} for the new version's writes. Its name sorts after the
	 * {@code _pgroll_set_} triggers, which must fire first, and cannot equal another table's {@link #triggerFunction}.
	 */
	public static String downTriggerFunction(String table) {
		return fit("_pgroll_write_down_", table);
	}

	/** PostgreSQL 18's name for a column's NOT NULL constraint, shortened with a hash when too long. */
	public static String notNullConstraint(String table, String column) {
		return fit("", table + "_" + column + "_not_null");
	}

	/** A copy of an index, constraint or sequence made for a duplicated column; renamed back at complete. */
	public static String duplicate(String name) {
		return fit("_pgroll_dup_", name);
	}

	/** PostgreSQL's own naming for a single-column unique constraint, shortened with a hash when too long. */
	public static String uniqueConstraint(String table, String column) {
		return fit("", table + "_" + column + "_key");
	}

	static String fit(String prefix, String base) {
		String name = prefix + base;
		if (utf8Length(name) <= Identifiers.MAX_BYTES) {
			return name;
		}
		String hash = "_" + shortHash(base);
		int budget = Identifiers.MAX_BYTES - utf8Length(prefix) - hash.length();
		StringBuilder kept = new StringBuilder();
		for (int i = 0; i < base.length();) {
			int codePoint = base.codePointAt(i);
			String next = new String(Character.toChars(codePoint));
			if (utf8Length(kept + next) > budget) {
				break;
			}
			kept.append(next);
			i += Character.charCount(codePoint);
		}
		return prefix + kept + hash;
	}

	private static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	private static String shortHash(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
