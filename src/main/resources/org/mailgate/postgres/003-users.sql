-- The users and their aliases, for every node (the user file's lines, as rows).
CREATE TABLE mail_user (
    address        text PRIMARY KEY,
    password_hash  text NOT NULL,
    aliases        text[] NOT NULL DEFAULT '{}',
    any_sender     boolean NOT NULL DEFAULT false
);

-- Bumped by every change to mail_user, read each second by the servers; its row lock also
-- serialises the changes (an update reads, changes and writes the whole set under it).
CREATE TABLE user_version (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   bigint NOT NULL
);
INSERT INTO user_version VALUES (true, 0);
