package dev.pgroll4j.core.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
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
import java.util.function.BiFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.pgroll4j.core.MigrationParseException;
import dev.pgroll4j.core.PgrollException;

/**
 * Finds migration files ({@code .json}, {@code .yaml}, {@code .yml}) in a directory or on the classpath, parses
 * them and returns them sorted by migration name. Subdirectories are not searched, as in pgroll. A file larger than
 * {@link MigrationParser#MAX_FILE_BYTES} is refused by its size where the file system or jar knows it, and otherwise
 * after reading one byte more than the limit, never by reading it whole.
 */
public final class MigrationLoader {

	private MigrationLoader() {
	}

	public static List<Migration> fromDirectory(Path directory) {
		if (!Files.isDirectory(directory)) {
			throw new PgrollException("migration directory " + directory + " does not exist");
		}
		Map<String, byte[]> files = new LinkedHashMap<>();
		try (Stream<Path> entries = Files.list(directory)) {
			for (Path file : entries.sorted().toList()) {
				String fileName = file.getFileName().toString();
				if (Files.isRegularFile(file) && MigrationParser.Format.of(fileName) != null) {
					files.put(file.toString(), read(file.toString(), file));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read migration directory " + directory, ex);
		}
		return parseAll(files, MigrationParser::parse);
	}

	/**
	 * Loads the migrations in one classpath location, such as {@code db/pgroll} (a {@code classpath:} prefix is
	 * accepted). Every directory or jar that provides the location contributes.
	 */
	public static List<Migration> fromClasspath(String location, ClassLoader classLoader) {
		String folder = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
		folder = folder.replaceAll("^/+", "").replaceAll("/+$", "");
		Map<String, byte[]> files = new TreeMap<>();
		try {
			Enumeration<URL> roots = classLoader.getResources(folder);
			for (URL root : Collections.list(roots)) {
				collect(root, folder, files);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list classpath location " + location, ex);
		}
		return parseAll(files, MigrationParser::parse);
	}

	private static void collect(URL root, String folder, Map<String, byte[]> files) throws IOException {
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
							files.put(folder + "/" + fileName, read(folder + "/" + fileName, file));
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
							if (entry.getSize() >= 0) {
								MigrationParser.checkSize(entryName, entry.getSize());
							}
							try (InputStream in = jar.getInputStream(entry)) {
								files.put(entryName, read(entryName, in));
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
		return parseAll(files, MigrationParser::parse);
	}

	/**
	 * Parses files already read as bytes (see {@link #read(String, InputStream)}) and sorts them; the bytes must be
	 * UTF-8.
	 * @param files file name or path (its extension picks the format, its base name is the migration name) to
	 * content
	 */
	public static List<Migration> fromBytes(Map<String, byte[]> files) {
		return parseAll(files, MigrationParser::parse);
	}

	/**
	 * Reads a migration file, refusing it as soon as it proves larger than {@link MigrationParser#MAX_FILE_BYTES}.
	 * @param source the file's name or path, for the error
	 * @param in the file's content; not closed
	 */
	public static byte[] read(String source, InputStream in) throws IOException {
		byte[] content = in.readNBytes(MigrationParser.MAX_FILE_BYTES + 1);
		if (content.length > MigrationParser.MAX_FILE_BYTES) {
			throw MigrationParser.tooLarge(source, "is larger than " + MigrationParser.MAX_FILE_BYTES + " bytes");
		}
		return content;
	}

	private static byte[] read(String source, Path file) throws IOException {
		MigrationParser.checkSize(source, Files.size(file));
		try (InputStream in = Files.newInputStream(file)) {
			return read(source, in);
		}
	}

	private static <T> List<Migration> parseAll(Map<String, T> files, BiFunction<String, T, Migration> parser) {
		Map<String, Migration> byName = new TreeMap<>();
		for (Map.Entry<String, T> file : files.entrySet()) {
			Migration migration = parser.apply(file.getKey(), file.getValue());
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
