package dev.pgroll4j.core.schema;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The history stores a constraint's kind as the catalog's letter; the enum must keep reading and writing it. */
class ConstraintTypeTests {

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	@Test
	void aConstraintIsStoredWithTheCatalogLetterAndReadBackFromIt() {
		ConstraintSnapshot check = new ConstraintSnapshot("price_positive", ConstraintType.CHECK, List.of("price"),
				"CHECK (price > 0)", true, null, null, List.of(), null);
		String json = JSON.writeValueAsString(check);
		assertThat(json).contains("\"type\":\"c\"");
		assertThat(JSON.readValue(json, ConstraintSnapshot.class)).isEqualTo(check);
	}

	@Test
	void everyKindRoundTripsThroughItsCode() {
		for (ConstraintType type : ConstraintType.values()) {
			assertThat(ConstraintType.ofCode(type.code())).isSameAs(type);
		}
		assertThat(ConstraintType.values()).extracting(ConstraintType::code)
			.containsExactly("p", "u", "c", "f", "x", "n");
	}

	@Test
	void anUnknownCodeIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> ConstraintType.ofCode("t"))
			.withMessageContaining("'t'");
	}

}
