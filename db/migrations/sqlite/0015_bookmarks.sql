-- Posts and events a local account saved for later (Mastodon's bookmarks), each one or the
-- other. Listed newest first, paged by the bookmark's own id.
CREATE TABLE bookmarks (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
	event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	CHECK ((post_id IS NULL) <> (event_id IS NULL))
);
CREATE UNIQUE INDEX bookmarks_account_post ON bookmarks (account_id, post_id);
CREATE UNIQUE INDEX bookmarks_account_event ON bookmarks (account_id, event_id);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);

-- The list streams look up which lists hold a post's author or community.
CREATE INDEX list_members_actor ON list_members (actor_iri);

-- The directory orders local people by their latest post.
CREATE INDEX posts_account ON posts (account_id, id) WHERE account_id <> '';
