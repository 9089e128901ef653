-- A team's existing Flyway migration: the base table pgroll migrations then change.
CREATE TABLE orders (id integer PRIMARY KEY, item text NOT NULL);
INSERT INTO orders VALUES (1, 'book');
