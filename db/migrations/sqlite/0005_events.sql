-- Events, local and remote, one row per canonical object id. community_iri names the Group
-- that owns it, here or elsewhere (empty when an actor alone organises it); community_id is
-- set when that Group is one of ours.
CREATE TABLE events (
	id TEXT PRIMARY KEY,
	iri TEXT NOT NULL,
	url TEXT NOT NULL DEFAULT '',
	community_id TEXT REFERENCES communities (id) ON DELETE CASCADE,
	community_iri TEXT NOT NULL DEFAULT '',
	organizer_iri TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	content TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	starts_at TIMESTAMP NOT NULL,
	ends_at TIMESTAMP,
	timezone TEXT NOT NULL DEFAULT '',
	place_name TEXT NOT NULL DEFAULT '',
	place_street TEXT NOT NULL DEFAULT '',
	place_postal_code TEXT NOT NULL DEFAULT '',
	place_locality TEXT NOT NULL DEFAULT '',
	place_region TEXT NOT NULL DEFAULT '',
	place_country TEXT NOT NULL DEFAULT '',
	place_latitude REAL,
	place_longitude REAL,
	online_url TEXT NOT NULL DEFAULT '',
	capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0), -- 0: unlimited
	join_mode TEXT NOT NULL CHECK (join_mode IN ('free', 'restricted', 'external', 'none')),
	external_url TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('scheduled', 'tentative', 'cancelled', 'postponed', 'rescheduled', 'moved_online')),
	category TEXT NOT NULL DEFAULT '',
	public BOOLEAN NOT NULL DEFAULT FALSE,
	-- On the instance's own agenda (see convene.Event.Listed).
	listed BOOLEAN NOT NULL DEFAULT FALSE,
	-- Not bounded by capacity: a remote event's count is its server's, and an organiser may
	-- lower the capacity below the number already accepted.
	attendee_count INTEGER NOT NULL DEFAULT 0 CHECK (attendee_count >= 0),
	sequence INTEGER NOT NULL DEFAULT 0,
	published_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX events_iri_key ON events (iri);
-- Calendars list live events only. A community's events by start, both ways: its agenda and
-- its archive.
CREATE INDEX events_community_starts ON events (community_iri, starts_at, id) WHERE deleted_at IS NULL;
-- A community's agenda: its few live events found by their end, as events_ends does for all.
CREATE INDEX events_community_ends ON events (community_iri, (COALESCE(ends_at, starts_at)));
-- The instance-wide archive, latest first.
CREATE INDEX events_starts ON events (starts_at) WHERE deleted_at IS NULL;
-- Agendas: events ending after now are few next to the archive, so they are found by their
-- end (an open-ended event ends when it starts) and then sorted. Not partial: PostgreSQL's
-- planner ignored the expression's statistics on a partial index and guessed a third of the table.
CREATE INDEX events_ends ON events ((COALESCE(ends_at, starts_at)));

-- RSVPs: local or remote actors to local or remote events.
CREATE TABLE participations (
	id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	actor_iri TEXT NOT NULL,
	account_id TEXT NOT NULL DEFAULT '',
	activity_iri TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
	message TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX participations_event_actor_key ON participations (event_id, actor_iri);
-- An event's attendee list, by state, oldest first.
CREATE INDEX participations_event_state ON participations (event_id, state, id);
-- Accept and Reject refer to the Join's id.
CREATE INDEX participations_activity ON participations (activity_iri);

-- Objects shown in communities other than their own.
CREATE TABLE shares (
	id TEXT PRIMARY KEY,
	object_iri TEXT NOT NULL,
	object_type TEXT NOT NULL,
	community_iri TEXT NOT NULL,
	community_id TEXT REFERENCES communities (id) ON DELETE CASCADE,
	shared_by TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused')),
	activity_iri TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX shares_object_community_key ON shares (object_iri, community_iri);
-- A local community's moderation queue and its list of shares.
CREATE INDEX shares_community_state ON shares (community_id, state, id);
-- What a community's calendar adds to its own events.
CREATE INDEX shares_community_iri ON shares (community_iri, state, object_iri);

-- Notifications about events. SQLite cannot alter a CHECK, so the table is rebuilt.
CREATE TABLE notifications_new (
	id TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('reply', 'mention', 'like', 'follow', 'event_update', 'event_cancel', 'rsvp')),
	actor_iri TEXT NOT NULL,
	post_id TEXT NOT NULL DEFAULT '',
	event_id TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	read_at TIMESTAMP
);
INSERT INTO notifications_new (id, account_id, type, actor_iri, post_id, created_at, read_at)
	SELECT id, account_id, type, actor_iri, post_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_account ON notifications (account_id, id);
