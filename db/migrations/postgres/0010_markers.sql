-- Where an account stopped reading its home timeline and its notifications, so that its
-- apps resume there (Mastodon's markers). version counts the saves.
CREATE TABLE markers (
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	timeline TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
	last_read_id TEXT NOT NULL,
	version INTEGER NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (account_id, timeline)
);
