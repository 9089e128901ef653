package dev.pgroll4j.core.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PersistentMapTests {

	@Test
	void behavesAsALinkedHashMapThroughRandomPutsAndRemoves() {
		Random random = new Random(42);
		Map<String, Integer> expected = new LinkedHashMap<>();
		PersistentMap<String, Integer> actual = PersistentMap.empty();
		for (int step = 0; step < 20_000; step++) {
			String key = "k" + random.nextInt(300);
			if (random.nextInt(3) == 0) {
				expected.remove(key);
				actual = actual.remove(key);
			}
			else {
				expected.put(key, step);
				actual = actual.put(key, step);
			}
			if (step % 997 == 0) {
				assertSame(expected, actual);
			}
		}
		assertSame(expected, actual);
	}

	@Test
	void earlierVersionsStayAsTheyWere() {
		List<PersistentMap<Integer, String>> versions = new ArrayList<>();
		PersistentMap<Integer, String> map = PersistentMap.empty();
		for (int i = 0; i < 1000; i++) {
			versions.add(map);
			map = (i % 5 == 4) ? map.remove(i - 2) : map.put(i, "v" + i);
		}
		Map<Integer, String> expected = new LinkedHashMap<>();
		for (int i = 0; i < 1000; i++) {
			assertThat(new ArrayList<>(versions.get(i).keys())).isEqualTo(new ArrayList<>(expected.keySet()));
			if (i % 5 == 4) {
				expected.remove(i - 2);
			}
			else {
				expected.put(i, "v" + i);
			}
		}
	}

	@Test
	void aKeyPutAgainKeepsItsPlaceAndOneRemovedAndPutAgainGoesLast() {
		PersistentMap<String, String> map = PersistentMap.<String, String>empty().put("b", "1").put("a", "2").put("c", "3");
		assertThat(map.put("a", "4").values()).containsExactly("1", "4", "3");
		assertThat(map.remove("a").put("a", "5").keys()).containsExactly("b", "c", "a");
		assertThat(map.values()).containsExactly("1", "2", "3");
	}

	private static void assertSame(Map<String, Integer> expected, PersistentMap<String, Integer> actual) {
		assertThat(actual.size()).isEqualTo(expected.size());
		assertThat(new ArrayList<>(actual.keys())).isEqualTo(new ArrayList<>(expected.keySet()));
		assertThat(new ArrayList<>(actual.values())).isEqualTo(new ArrayList<>(expected.values()));
		Map<String, Integer> lookedUp = new LinkedHashMap<>();
		for (int i = 0; i < 300; i++) {
			if (actual.containsKey("k" + i)) {
				lookedUp.put("k" + i, actual.get("k" + i));
			}
		}
		assertThat(lookedUp).isEqualTo(expected);
	}

}
