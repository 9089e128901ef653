package dev.pgroll4j.core.schema;

import java.util.AbstractCollection;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * An immutable map that iterates in insertion order, as {@link java.util.LinkedHashMap} does (a key put again
 * keeps its place; one removed and put again goes last). {@link #put} and {@link #remove} return a new map that
 * shares all but O(log n) nodes with this one, so validation can keep the schema as it was after every operation of
 * a migration for the cost of what each operation changed, instead of a full copy per operation.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PersistentMap<K extends Comparable<? super K>, V> {

	private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(null, null, 0, 0);

	/** Key to value and insertion number. */
	private final Node<K, Slot<K, V>> byKey;

	/** Insertion number to key and value: the iteration order. */
	private final Node<Long, Slot<K, V>> byOrder;

	private final long nextOrder;

	private final int size;

	private PersistentMap(Node<K, Slot<K, V>> byKey, Node<Long, Slot<K, V>> byOrder, long nextOrder, int size) {
		this.byKey = byKey;
		this.byOrder = byOrder;
		this.nextOrder = nextOrder;
		this.size = size;
	}

	@SuppressWarnings("unchecked")
	static <K extends Comparable<? super K>, V> PersistentMap<K, V> empty() {
		return (PersistentMap<K, V>) EMPTY;
	}

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	V get(K key) {
		Slot<K, V> slot = find(this.byKey, key);
		return (slot != null) ? slot.value() : null;
	}

	boolean containsKey(K key) {
		return find(this.byKey, key) != null;
	}

	PersistentMap<K, V> put(K key, V value) {
		Slot<K, V> old = find(this.byKey, key);
		if (old != null) {
			if (old.value() == value) {
				return this;
			}
			Slot<K, V> slot = new Slot<>(key, old.order(), value);
			return new PersistentMap<>(put(this.byKey, key, slot), put(this.byOrder, old.order(), slot), this.nextOrder,
					this.size);
		}
		Slot<K, V> slot = new Slot<>(key, this.nextOrder, value);
		return new PersistentMap<>(put(this.byKey, key, slot), put(this.byOrder, this.nextOrder, slot),
				this.nextOrder + 1, this.size + 1);
	}

	PersistentMap<K, V> remove(K key) {
		Slot<K, V> old = find(this.byKey, key);
		if (old == null) {
			return this;
		}
		return new PersistentMap<>(remove(this.byKey, key), remove(this.byOrder, old.order()), this.nextOrder,
				this.size - 1);
	}

	/** The values in insertion order; a view of this map, which never changes. */
	Collection<V> values() {
		return view(Slot::value);
	}

	/** The keys in insertion order. */
	Collection<K> keys() {
		return view(Slot::key);
	}

	private <T> Collection<T> view(Function<Slot<K, V>, T> part) {
		Node<Long, Slot<K, V>> root = this.byOrder;
		int count = this.size;
		return new AbstractCollection<>() {

			@Override
			public Iterator<T> iterator() {
				return new InOrder<>(root, part);
			}

			@Override
			public int size() {
				return count;
			}

		};
	}

	private record Slot<K, V>(K key, long order, V value) {
	}

	/** A node of an AVL tree that is never changed: updates copy the path from the root to the change. */
	private record Node<A, B>(A key, B value, Node<A, B> left, Node<A, B> right, int height) {
	}

	private static <A extends Comparable<? super A>, B> B find(Node<A, B> node, A key) {
		while (node != null) {
			int order = key.compareTo(node.key());
			if (order == 0) {
				return node.value();
			}
			node = (order < 0) ? node.left() : node.right();
		}
		return null;
	}

	private static <A extends Comparable<? super A>, B> Node<A, B> put(Node<A, B> node, A key, B value) {
		if (node == null) {
			return new Node<>(key, value, null, null, 1);
		}
		int order = key.compareTo(node.key());
		if (order < 0) {
			return balance(node.key(), node.value(), put(node.left(), key, value), node.right());
		}
		if (order > 0) {
			return balance(node.key(), node.value(), node.left(), put(node.right(), key, value));
		}
		return new Node<>(key, value, node.left(), node.right(), node.height());
	}

	private static <A extends Comparable<? super A>, B> Node<A, B> remove(Node<A, B> node, A key) {
		if (node == null) {
			return null;
		}
		int order = key.compareTo(node.key());
		if (order < 0) {
			return balance(node.key(), node.value(), remove(node.left(), key), node.right());
		}
		if (order > 0) {
			return balance(node.key(), node.value(), node.left(), remove(node.right(), key));
		}
		if (node.left() == null) {
			return node.right();
		}
		if (node.right() == null) {
			return node.left();
		}
		Node<A, B> successor = node.right();
		while (successor.left() != null) {
			successor = successor.left();
		}
		return balance(successor.key(), successor.value(), node.left(), removeFirst(node.right()));
	}

	private static <A, B> Node<A, B> removeFirst(Node<A, B> node) {
		if (node.left() == null) {
			return node.right();
		}
		return balance(node.key(), node.value(), removeFirst(node.left()), node.right());
	}

	private static int height(Node<?, ?> node) {
		return (node != null) ? node.height() : 0;
	}

	private static <A, B> Node<A, B> node(A key, B value, Node<A, B> left, Node<A, B> right) {
		return new Node<>(key, value, left, right, 1 + Math.max(height(left), height(right)));
	}

	/** Joins two subtrees whose heights differ by at most two, rotating once or twice to restore the balance. */
	private static <A, B> Node<A, B> balance(A key, B value, Node<A, B> left, Node<A, B> right) {
		int leftHeight = height(left);
		int rightHeight = height(right);
		if (leftHeight > rightHeight + 1) {
			if (height(left.left()) >= height(left.right())) {
				return node(left.key(), left.value(), left.left(), node(key, value, left.right(), right));
			}
			Node<A, B> pivot = left.right();
			return node(pivot.key(), pivot.value(), node(left.key(), left.value(), left.left(), pivot.left()),
					node(key, value, pivot.right(), right));
		}
		if (rightHeight > leftHeight + 1) {
			if (height(right.right()) >= height(right.left())) {
				return node(right.key(), right.value(), node(key, value, left, right.left()), right.right());
			}
			Node<A, B> pivot = right.left();
			return node(pivot.key(), pivot.value(), node(key, value, left, pivot.left()),
					node(right.key(), right.value(), pivot.right(), right.right()));
		}
		return node(key, value, left, right);
	}

	private static final class InOrder<B, T> implements Iterator<T> {

		private final ArrayDeque<Node<Long, B>> path = new ArrayDeque<>();

		private final Function<B, T> part;

		InOrder(Node<Long, B> root, Function<B, T> part) {
			this.part = part;
			descend(root);
		}

		private void descend(Node<Long, B> node) {
			for (Node<Long, B> next = node; next != null; next = next.left()) {
				this.path.push(next);
			}
		}

		@Override
		public boolean hasNext() {
			return !this.path.isEmpty();
		}

		@Override
		public T next() {
			if (this.path.isEmpty()) {
				throw new NoSuchElementException();
			}
			Node<Long, B> node = this.path.pop();
			descend(node.right());
			return this.part.apply(node.value());
		}

	}

}
