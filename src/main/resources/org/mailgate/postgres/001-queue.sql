-- The queue: a message's envelope (the file spool's envelope block), its content in chunks,
-- and its delivery journal, each in rows; written in one transaction before the 250.
CREATE TABLE message (
    id            text PRIMARY KEY,
    envelope      bytea NOT NULL,
    size          bigint NOT NULL,
    arrival       timestamptz NOT NULL,
    -- delivery claims due messages by next_attempt, unless held; a lease names the node
    -- delivering it, until when (the journal stays the record: these columns follow it)
    next_attempt  timestamptz NOT NULL,
    held          boolean NOT NULL DEFAULT false,
    lease_owner   text,
    lease_until   timestamptz,
    -- not null: set aside (undeliverable for reasons of ours), kept for the admin with the reason
    set_aside     text
);
CREATE INDEX message_due ON message (next_attempt) WHERE set_aside IS NULL AND NOT held;

CREATE TABLE message_chunk (
    message_id  text NOT NULL REFERENCES message ON DELETE CASCADE,
    seq         integer NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (message_id, seq)
);

-- One row per record() call: the file journal's lines, appended, never changed.
CREATE TABLE journal (
    message_id  text NOT NULL REFERENCES message ON DELETE CASCADE,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    lines       bytea NOT NULL,
    PRIMARY KEY (message_id, seq)
);

-- Bumped by an admin's queue command, read by the servers: "look at the journals again".
CREATE TABLE queue_change (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    stamp     bigint NOT NULL
);
INSERT INTO queue_change VALUES (true, 0);
