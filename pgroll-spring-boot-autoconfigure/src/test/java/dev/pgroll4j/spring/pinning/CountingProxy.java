package dev.pgroll4j.spring.pinning;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postgresql.Driver;

import dev.pgroll4j.test.TestDatabase;

/**
 * A TCP proxy in front of a test database that records, per client connection, its startup parameters and the
 * text of every statement it sends (simple queries and Parse messages): what the server sees, counted on the wire
 * rather than in the code under test. Not a pooler: each client connection is one server connection, and the
 * server's key passes through unchanged.
 */
final class CountingProxy implements AutoCloseable {

	private static final int SSL_REQUEST = 80877103;

	private static final int GSS_REQUEST = 80877104;

	private final ServerSocket listener;

	private final String host;

	private final int port;

	private final String database;

	private final List<Session> sessions = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private CountingProxy(TestDatabase database) throws IOException {
		Properties server = Driver.parseURL(database.jdbcUrl(), new Properties());
		this.host = server.getProperty("PGHOST");
		this.port = Integer.parseInt(server.getProperty("PGPORT"));
		this.database = database.name();
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "counting-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static CountingProxy inFrontOf(TestDatabase database) throws IOException {
		return new CountingProxy(database);
	}

	/** The test database through this proxy (without TLS, so that the messages can be read). */
	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.listener.getLocalPort() + "/" + this.database + "?sslmode=disable";
	}

	/** Every client connection so far, in the order they were opened. */
	List<Session> sessions() {
		return List.copyOf(this.sessions);
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket(this.host, this.port);
				this.sockets.add(client);
				this.sockets.add(server);
				Session session = new Session();
				this.sessions.add(session);
				start(() -> readClient(client.getInputStream(), server.getOutputStream(), session));
				start(() -> server.getInputStream().transferTo(client.getOutputStream()));
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private static void start(IoTask task) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			catch (IOException ex) {
				// A side closed; the other follows.
			}
		}, "counting-proxy-pipe");
		thread.setDaemon(true);
		thread.start();
	}

	/** Forwards everything the client sends, reading the startup packet and each message on the way. */
	private static void readClient(InputStream in, OutputStream out, Session session) throws IOException {
		DataInputStream client = new DataInputStream(in);
		try {
			while (true) {
				int length = client.readInt();
				byte[] body = client.readNBytes(length - 4);
				forward(out, null, length, body);
				int code = (body.length >= 4) ? (body[0] & 0xff) << 24 | (body[1] & 0xff) << 16 | (body[2] & 0xff) << 8
						| (body[3] & 0xff) : 0;
				if (code != SSL_REQUEST && code != GSS_REQUEST) {
					session.startup(strings(body, 4));
					break;
				}
			}
			while (true) {
				byte type = client.readByte();
				int length = client.readInt();
				byte[] body = client.readNBytes(length - 4);
				forward(out, type, length, body);
				if (type == 'Q') {
					session.statements.add(strings(body, 0).get(0));
				}
				else if (type == 'P') {
					session.statements.add(strings(body, 0).get(1));
				}
			}
		}
		catch (EOFException ex) {
			out.close();
		}
	}

	private static void forward(OutputStream out, Byte type, int length, byte[] body) throws IOException {
		byte[] header = new byte[(type != null) ? 5 : 4];
		int at = 0;
		if (type != null) {
			header[at++] = type;
		}
		header[at++] = (byte) (length >>> 24);
		header[at++] = (byte) (length >>> 16);
		header[at++] = (byte) (length >>> 8);
		header[at] = (byte) length;
		synchronized (out) {
			out.write(header);
			out.write(body);
			out.flush();
		}
	}

	private static List<String> strings(byte[] body, int from) {
		List<String> strings = new ArrayList<>();
		int start = from;
		for (int i = from; i < body.length; i++) {
			if (body[i] == 0) {
				strings.add(new String(body, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		return strings;
	}

	private interface IoTask {

		void run() throws IOException;

	}

	/** One client connection: its startup parameters and the statements it sent. */
	static final class Session {

		private volatile List<String> startup = List.of();

		private final List<String> statements = new CopyOnWriteArrayList<>();

		private void startup(List<String> nameValuePairs) {
			this.startup = Collections.unmodifiableList(nameValuePairs);
		}

		/** A startup parameter, such as {@code options}, or {@code null}. */
		String parameter(String name) {
			for (int i = 0; i + 1 < this.startup.size(); i += 2) {
				if (this.startup.get(i).equals(name)) {
					return this.startup.get(i + 1);
				}
			}
			return null;
		}

		/** How many times this connection sent exactly {@code sql}. */
		long count(String sql) {
			return this.statements.stream().filter(sql::equals).count();
		}

		List<String> statements() {
			return List.copyOf(this.statements);
		}

	}

}
