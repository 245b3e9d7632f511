-- Who may start threads in a community.
ALTER TABLE communities ADD COLUMN posting_policy TEXT NOT NULL DEFAULT 'members'
	CHECK (posting_policy IN ('members', 'followers', 'moderators'));

-- Threads and replies, local and remote, in communities' discussions. community_iri names
-- the Group, here or elsewhere; community_id is set when that Group is one of ours.
CREATE TABLE posts (
	id TEXT PRIMARY KEY,
	iri TEXT NOT NULL,
	community_id TEXT REFERENCES communities (id) ON DELETE CASCADE,
	community_iri TEXT NOT NULL,
	thread_id TEXT NOT NULL,
	parent_id TEXT NOT NULL DEFAULT '',
	author_iri TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	content TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	mentions TEXT NOT NULL DEFAULT '', -- IRIs of the actors it mentions, space-separated
	visibility TEXT NOT NULL CHECK (visibility IN ('public', 'community')),
	reply_count INTEGER NOT NULL DEFAULT 0,
	like_count INTEGER NOT NULL DEFAULT 0,
	published_at TIMESTAMPTZ NOT NULL,
	edited_at TIMESTAMPTZ,
	deleted_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX posts_iri_key ON posts (iri);
-- A community's thread list, newest first: the community page's query.
CREATE INDEX posts_community_threads ON posts (community_id, id) WHERE parent_id = '';
CREATE INDEX posts_remote_community_threads ON posts (community_iri, id) WHERE parent_id = '';
CREATE INDEX posts_thread ON posts (thread_id, id);
CREATE INDEX posts_author ON posts (author_iri, id);

-- Hashtags of posts, for tag pages.
CREATE TABLE post_tags (
	post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (tag, post_id)
);

CREATE TABLE likes (
	post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	actor_iri TEXT NOT NULL,
	activity_iri TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (post_id, actor_iri)
);

-- Remote objects deleted before they arrived (Delete before Create must leave nothing behind),
-- by whom: only the author's own Delete may keep the author's post out.
CREATE TABLE deleted_objects (
	iri TEXT NOT NULL,
	actor_iri TEXT NOT NULL,
	deleted_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (iri, actor_iri)
);

-- What software each remote host runs (from NodeInfo), to know who understands groups.
CREATE TABLE instances (
	host TEXT PRIMARY KEY,
	software TEXT NOT NULL DEFAULT '',
	version TEXT NOT NULL DEFAULT '',
	fetched_at TIMESTAMPTZ NOT NULL
);

-- What local accounts should hear of: replies to their posts, mentions.
CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('reply', 'mention', 'like', 'follow')),
	actor_iri TEXT NOT NULL,
	post_id TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	read_at TIMESTAMPTZ
);
CREATE INDEX notifications_account ON notifications (account_id, id);
