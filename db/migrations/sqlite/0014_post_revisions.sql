-- Earlier versions of an edited post, for the client API's edit history: each row is a
-- version as it stood from created_at until the next one. The current version stays in posts.
CREATE TABLE post_revisions (
	id TEXT PRIMARY KEY,
	post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	content TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);
