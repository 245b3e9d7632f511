-- Polls (Mastodon's, ActivityPub Question): one per post, its options, and who voted for
-- what. A voter is an actor IRI, local or remote; poll_voters holds one ballot per voter,
-- so a second vote is refused by the database, however many processes count at once.
CREATE TABLE polls (
	post_id TEXT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	local BOOLEAN NOT NULL DEFAULT FALSE,
	expires_at TIMESTAMP,
	multiple BOOLEAN NOT NULL DEFAULT FALSE,
	hide_totals BOOLEAN NOT NULL DEFAULT FALSE,
	voters_count INTEGER NOT NULL DEFAULT 0,
	closed BOOLEAN NOT NULL DEFAULT FALSE, -- ended, and (local polls) announced and notified
	dirty BOOLEAN NOT NULL DEFAULT FALSE   -- tallies changed since peers were sent them
);
-- The sweeper's query: local polls to close or to send again.
CREATE INDEX polls_due ON polls (expires_at) WHERE local AND (NOT closed OR dirty);

CREATE TABLE poll_options (
	post_id TEXT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	title TEXT NOT NULL,
	votes_count INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (post_id, position)
);

CREATE TABLE poll_voters (
	post_id TEXT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
	voter_iri TEXT NOT NULL,
	PRIMARY KEY (post_id, voter_iri)
);

CREATE TABLE poll_votes (
	post_id TEXT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
	voter_iri TEXT NOT NULL,
	position INTEGER NOT NULL,
	iri TEXT NOT NULL, -- the vote's Note
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (post_id, voter_iri, position)
);
CREATE UNIQUE INDEX poll_votes_iri ON poll_votes (iri);
-- A viewer's own votes on a page of statuses.
CREATE INDEX poll_votes_voter ON poll_votes (voter_iri, post_id);

-- "Your poll has ended" / "a poll you voted in has ended".
CREATE TABLE notifications_new (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('reply', 'mention', 'like', 'follow', 'event_update', 'event_cancel', 'rsvp', 'poll')),
	actor_iri TEXT NOT NULL,
	post_id TEXT NOT NULL DEFAULT '',
	event_id TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	read_at TIMESTAMP
);
INSERT INTO notifications_new (id, account_id, type, actor_iri, post_id, event_id, created_at, read_at)
	SELECT id, account_id, type, actor_iri, post_id, event_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_account ON notifications (account_id, id);
