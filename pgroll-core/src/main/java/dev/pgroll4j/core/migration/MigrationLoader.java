package dev.pgroll4j.core.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.PgrollException;

/**
 * Finds migration files ({@code .json}, {@code .yaml}, {@code .yml}) in a directory or on the classpath, parses
 * them and returns them sorted by migration name. Subdirectories are not searched, as in pgroll.
 */
public final class MigrationLoader {

	private MigrationLoader() {
	}

	public static List<Migration> fromDirectory(Path directory) {
		if (!Files.isDirectory(directory)) {
			throw new PgrollException("migration directory " + directory + " does not exist");
		}
		Map<String, String> files = new LinkedHashMap<>();
		try (Stream<Path> entries = Files.list(directory)) {
			for (Path file : entries.sorted().toList()) {
				String fileName = file.getFileName().toString();
				if (Files.isRegularFile(file) && MigrationParser.Format.of(fileName) != null) {
					files.put(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read migration directory " + directory, ex);
		}
		return parseAll(files);
	}

	/**
	 * Loads the migrations in one classpath location, such as {@code db/pgroll} (a {@code classpath:} prefix is
	 * accepted). Every directory or jar that provides the location contributes.
	 */
	public static List<Migration> fromClasspath(String location, ClassLoader classLoader) {
		String folder = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
		folder = folder.replaceAll("^/+", "").replaceAll("/+$", "");
		Map<String, String> files = new TreeMap<>();
		try {
			Enumeration<URL> roots = classLoader.getResources(folder);
			for (URL root : Collections.list(roots)) {
				collect(root, folder, files);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list classpath location " + location, ex);
		}
		return parseAll(files);
	}

	private static void collect(URL root, String folder, Map<String, String> files) throws IOException {
		switch (root.getProtocol()) {
			case "file" -> {
				Path directory;
				try {
					directory = Paths.get(root.toURI());
				}
				catch (URISyntaxException ex) {
					throw new IOException("bad classpath URL " + root, ex);
				}
				try (Stream<Path> entries = Files.list(directory)) {
					for (Path file : entries.toList()) {
						String fileName = file.getFileName().toString();
						if (Files.isRegularFile(file) && MigrationParser.Format.of(fileName) != null) {
							files.put(folder + "/" + fileName, Files.readString(file, StandardCharsets.UTF_8));
						}
					}
				}
			}
			case "jar" -> {
				JarURLConnection connection = (JarURLConnection) root.openConnection();
				connection.setUseCaches(false);
				try (JarFile jar = connection.getJarFile()) {
					String prefix = folder + "/";
					for (JarEntry entry : Collections.list(jar.entries())) {
						String entryName = entry.getName();
						String rest = entryName.startsWith(prefix) ? entryName.substring(prefix.length()) : null;
						if (rest != null && !entry.isDirectory() && !rest.contains("/")
								&& MigrationParser.Format.of(rest) != null) {
							try (InputStream in = jar.getInputStream(entry)) {
								files.put(entryName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
							}
						}
					}
				}
			}
			default -> throw new IOException("cannot list migrations at " + root + ": unsupported URL protocol");
		}
	}

	/**
	 * Parses files already read (for example through a framework's resource abstraction) and sorts them.
	 * @param files file name or path (its extension picks the format, its base name is the migration name) to
	 * content
	 */
	public static List<Migration> fromContents(Map<String, String> files) {
		return parseAll(files);
	}

	private static List<Migration> parseAll(Map<String, String> files) {
		Map<String, Migration> byName = new TreeMap<>();
		for (Map.Entry<String, String> file : files.entrySet()) {
			Migration migration = MigrationParser.parse(file.getKey(), file.getValue());
			Migration clash = byName.put(migration.name(), migration);
			if (clash != null) {
				throw new MigrationParseException(file.getKey(), null, "migration name \"" + migration.name()
						+ "\" is also used by " + clash.source());
			}
		}
		List<Migration> sorted = new ArrayList<>(byName.values());
		sorted.sort(Comparator.comparing(Migration::name));
		return sorted;
	}

}
