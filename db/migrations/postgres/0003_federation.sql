-- Actors on other servers, as last fetched.
CREATE TABLE remote_actors (
	id TEXT PRIMARY KEY,
	iri TEXT NOT NULL,
	type TEXT NOT NULL,
	username TEXT NOT NULL,
	domain TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	inbox TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	followers TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL DEFAULT '',
	key_id TEXT NOT NULL,
	public_key_pem TEXT NOT NULL,
	manually_approves BOOLEAN NOT NULL DEFAULT FALSE,
	gone BOOLEAN NOT NULL DEFAULT FALSE,
	fetched_at TIMESTAMPTZ NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX remote_actors_iri_key ON remote_actors (iri);
CREATE INDEX remote_actors_key_id ON remote_actors (key_id);
CREATE INDEX remote_actors_domain ON remote_actors (domain);
CREATE INDEX remote_actors_inbox ON remote_actors (inbox);

-- Follows between any two actors, local or remote, by IRI.
CREATE TABLE follows (
	id TEXT PRIMARY KEY,
	activity_iri TEXT NOT NULL,
	follower_iri TEXT NOT NULL,
	followee_iri TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX follows_pair_key ON follows (follower_iri, followee_iri);
CREATE INDEX follows_followee ON follows (followee_iri, state, id);
CREATE INDEX follows_follower ON follows (follower_iri, state, id);
CREATE UNIQUE INDEX follows_activity_key ON follows (activity_iri);

-- Activities of local actors, rendered and fanned out to deliveries by a worker.
CREATE TABLE outbox (
	id TEXT PRIMARY KEY,
	actor_iri TEXT NOT NULL,
	type TEXT NOT NULL,
	activity TEXT NOT NULL,
	fanned_out BOOLEAN NOT NULL DEFAULT FALSE,
	locked_until TIMESTAMPTZ,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_pending ON outbox (fanned_out, id);
CREATE INDEX outbox_actor ON outbox (actor_iri, id);

-- One row per activity and inbox; delivery workers claim due rows.
CREATE TABLE deliveries (
	id TEXT PRIMARY KEY,
	activity_id TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
	inbox TEXT NOT NULL,
	host TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TIMESTAMPTZ NOT NULL,
	locked_until TIMESTAMPTZ,
	last_status INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX deliveries_activity_inbox_key ON deliveries (activity_id, inbox);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- Per-host delivery health: the distinct days with failed deliveries (Mastodon's rule: a host
-- failing on 7 distinct days is skipped until it succeeds once).
CREATE TABLE delivery_hosts (
	host TEXT PRIMARY KEY,
	failure_days TEXT NOT NULL DEFAULT '',
	unavailable BOOLEAN NOT NULL DEFAULT FALSE
);

-- Verified incoming activities, applied by a worker; the unique id makes redelivery harmless.
CREATE TABLE inbox (
	id TEXT PRIMARY KEY,
	activity_iri TEXT NOT NULL,
	actor_iri TEXT NOT NULL,
	body TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TIMESTAMPTZ NOT NULL,
	locked_until TIMESTAMPTZ,
	last_error TEXT NOT NULL DEFAULT '',
	received_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX inbox_activity_key ON inbox (activity_iri);
CREATE INDEX inbox_due ON inbox (state, next_attempt_at);

CREATE TABLE domain_blocks (
	host TEXT PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL
);
