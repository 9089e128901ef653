package dev.pgroll4j.core.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** Expected rows, shaped like the ones {@link SchemaVersion#query} returns so that they compare equal. */
public final class Rows {

	private Rows() {
	}

	/** A row from alternating column names and values; a map literal would refuse the NULLs rows hold. */
	public static Map<String, Object> row(Object... namesAndValues) {
		Map<String, Object> row = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			row.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return row;
	}

}
