package dev.pgroll4j.core.sql;

import java.util.Locale;

/** Knowledge about type names written in migration files. */
public final class ColumnTypes {

	private ColumnTypes() {
	}

	public static boolean isSerial(String type) {
		return underlyingOfSerial(type) != null;
	}

	/** The type a serial pseudo-type stands for, or {@code null} for an ordinary type. */
	public static String underlyingOfSerial(String type) {
		if (type == null) {
			return null;
		}
		return switch (type.strip().toLowerCase(Locale.ROOT)) {
			case "smallserial", "serial2" -> "smallint";
			case "serial", "serial4" -> "integer";
			case "bigserial", "serial8" -> "bigint";
			default -> null;
		};
	}

	/** A type usable in a cast or a variable declaration. */
	public static String castable(String type) {
		String serial = underlyingOfSerial(type);
		return (serial != null) ? serial : type;
	}

}
