-- Web sessions: the cookie holds a random token, this table its SHA-256.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	seen_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
