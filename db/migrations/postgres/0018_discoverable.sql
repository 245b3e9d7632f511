-- Whether a person chose to be found: listed in the directory, and marked discoverable and
-- indexable for other servers. Off until they say so, as Mastodon asks (people who were
-- listed before this migration are not until they choose it); communities are always
-- listed (being found is what they are for).
ALTER TABLE accounts ADD COLUMN discoverable BOOLEAN NOT NULL DEFAULT FALSE;
