-- The pilot-era schema the project started from: every table carries cauldron_id from day
-- one, hard-coded to the single pilot cauldron, with composite indexes for the common
-- tenant-scoped lookups. Nothing here is isolated yet; sql/demo/isolate.sql does that.

CREATE TABLE members (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cauldron_id varchar(50) NOT NULL DEFAULT '10ksb-pilot',
    name        text NOT NULL,
    email       text NOT NULL
);

CREATE TABLE stories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cauldron_id varchar(50) NOT NULL DEFAULT '10ksb-pilot',
    member_id   uuid REFERENCES members (id),
    title       text NOT NULL,
    body        text
);

CREATE INDEX idx_stories_cauldron_member ON stories (cauldron_id, member_id);
CREATE INDEX idx_members_cauldron ON members (cauldron_id);
