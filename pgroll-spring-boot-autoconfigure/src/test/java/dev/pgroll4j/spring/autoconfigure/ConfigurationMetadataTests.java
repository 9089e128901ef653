package dev.pgroll4j.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property the starter reads is in the metadata IDEs complete from, with a description: the properties its
 * conditions test (found in the compiled classes) and the ones its code names (found in the sources).
 */
class ConfigurationMetadataTests {

	/** A property the code reads from the environment, such as {@code getProperty("pgroll.url")}. */
	private static final Pattern NAMED = Pattern
		.compile("[pP]roperty\\(\"((?:pgroll\\.|management\\.[a-z.-]*pgroll)[a-z.-]*)\"");

	@Test
	void everyPropertyTheStarterReadsHasMetadataWithADescription() throws IOException {
		Map<String, String> described = metadata();
		Set<String> read = new TreeSet<>();
		read.addAll(conditionProperties());
		read.addAll(namedInSources());
		assertThat(read).as("found by the scan").contains("management.health.pgroll.enabled", "pgroll.enabled",
				"pgroll.url", "pgroll.pin-connections");
		assertThat(read).allSatisfy((name) -> assertThat(described).as(name).containsKey(name));
		assertThat(described).allSatisfy((name, description) -> assertThat(description).as(name).isNotBlank());
	}

	/** The starter's generated metadata, into which the build merges the additional file. */
	private static Map<String, String> metadata() throws IOException {
		Map<String, String> described = new TreeMap<>();
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			JsonNode root = JsonMapper.builder().build().readTree(in);
			for (JsonNode property : root.get("properties")) {
				JsonNode description = property.get("description");
				described.put(property.get("name").asString(), (description != null) ? description.asString() : "");
			}
		}
		return described;
	}

	private static Set<String> conditionProperties() throws IOException {
		Set<String> names = new TreeSet<>();
		SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory();
		for (Resource resource : new PathMatchingResourcePatternResolver()
			.getResources("classpath*:dev/pgroll4j/spring/**/*.class")) {
			if (!resource.getURL().toString().contains("/target/classes/")) {
				continue;
			}
			MetadataReader reader = readers.getMetadataReader(resource);
			Stream.concat(Stream.of(reader.getAnnotationMetadata()),
					reader.getAnnotationMetadata().getDeclaredMethods().stream())
				.forEach((annotated) -> collect(annotated, names));
		}
		return names;
	}

	private static void collect(AnnotatedTypeMetadata annotated, Set<String> names) {
		for (Class<?> condition : new Class<?>[] { ConditionalOnProperty.class, ConditionalOnBooleanProperty.class }) {
			Map<String, Object> attributes = annotated.getAnnotationAttributes(condition.getName());
			if (attributes != null) {
				String prefix = (String) attributes.get("prefix");
				for (String key : new String[] { "name", "value" }) {
					for (String name : (String[]) attributes.get(key)) {
						names.add((prefix.isEmpty() ? "" : prefix + ".") + name);
					}
				}
			}
		}
		Map<String, Object> health = annotated.getAnnotationAttributes(ConditionalOnEnabledHealthIndicator.class.getName());
		if (health != null) {
			names.add("management.health." + health.get("value") + ".enabled");
		}
	}

	private static Set<String> namedInSources() throws IOException {
		Set<String> names = new TreeSet<>();
		try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
			for (Path source : sources.filter((path) -> path.toString().endsWith(".java")).toList()) {
				Matcher named = NAMED.matcher(Files.readString(source));
				while (named.find()) {
					names.add(named.group(1));
				}
			}
		}
		return names;
	}

}
