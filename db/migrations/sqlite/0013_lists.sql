-- An account's lists of people and communities it follows, each a timeline of its own
-- (Mastodon's lists; in Convene a list may hold communities, here or elsewhere).
CREATE TABLE lists (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	replies_policy TEXT NOT NULL CHECK (replies_policy IN ('followed', 'list', 'none')),
	exclusive BOOLEAN NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);
CREATE TABLE list_members (
	list_id TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	actor_iri TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (list_id, actor_iri)
);
