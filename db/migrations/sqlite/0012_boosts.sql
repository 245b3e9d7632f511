-- A local account boosting (reblogging) a post to its followers: the Announce it sent, so
-- that unboosting can Undo it.
CREATE TABLE boosts (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	activity_iri TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX boosts_account_post ON boosts (account_id, post_id);
CREATE INDEX boosts_post ON boosts (post_id);
