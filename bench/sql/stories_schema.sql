-- Benchmark B's data: the members/stories schema of the pilot, 100 cauldrons, and two
-- identical copies of a 1M-row stories table: `stories`, isolated by row-level security,
-- and `stories_plain`, without it, for the literal-filter variant.
--
-- Member n belongs to cauldron `cauldron-<n % 100 + 1>` and has the id md5('member-<n>'),
-- so a pgbench script can derive both from one random integer.
--
-- Variables: members, stories, app_role.

SET cauldron.guard = off;

SELECT cauldron.create_cauldron('cauldron-' || n, 'Cauldron ' || n)
  FROM generate_series(1, 100) AS n \g /dev/null

CREATE TABLE members (
    id          uuid PRIMARY KEY,
    cauldron_id varchar(50) NOT NULL,
    name        text NOT NULL
);

CREATE TABLE stories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cauldron_id varchar(50) NOT NULL,
    member_id   uuid NOT NULL,
    title       text NOT NULL,
    created     timestamptz NOT NULL
);

INSERT INTO members
SELECT md5('member-' || n)::uuid, 'cauldron-' || (n % 100 + 1), 'Member ' || n
  FROM generate_series(1, :members) AS n;

-- Story i belongs to member i % members + 1, so each member's stories are spread over the
-- table as they would be after years of inserts, not packed on one page.
INSERT INTO stories (cauldron_id, member_id, title, created)
SELECT 'cauldron-' || (member % 100 + 1), md5('member-' || member)::uuid,
       'Story ' || i, timestamptz '2024-01-01' + i * interval '1 minute'
  FROM generate_series(1, :stories) AS i,
       LATERAL (SELECT i % :members + 1) AS m(member);

CREATE TABLE stories_plain (LIKE stories INCLUDING ALL);
INSERT INTO stories_plain SELECT * FROM stories;

-- Foreign keys after the load: checking them once is faster than per inserted row.
ALTER TABLE stories ADD FOREIGN KEY (member_id) REFERENCES members (id);
ALTER TABLE stories_plain ADD FOREIGN KEY (member_id) REFERENCES members (id);
CREATE INDEX stories_cauldron_member ON stories (cauldron_id, member_id);
CREATE INDEX stories_plain_cauldron_member ON stories_plain (cauldron_id, member_id);

SELECT * FROM cauldron.isolate('stories');

VACUUM ANALYZE members;
VACUUM ANALYZE stories;
VACUUM ANALYZE stories_plain;

-- An ordinary login role: neither superuser nor owner, so row-level security applies.
SELECT format('CREATE ROLE %I LOGIN', :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec
SELECT format('ALTER ROLE %I NOSUPERUSER NOBYPASSRLS', :'app_role') \gexec
SELECT format('GRANT SELECT ON members, stories, stories_plain TO %I', :'app_role') \gexec
SELECT format('GRANT EXECUTE ON FUNCTION cauldron.enter(text, boolean) TO %I', :'app_role') \gexec

-- The comparison is void if the isolated copy is not isolated as the extension promises.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = 'stories'::regclass
                   AND relrowsecurity AND relforcerowsecurity
                   AND cauldron.has_isolation_policy(oid)) THEN
        RAISE EXCEPTION 'stories is not isolated (row-level security, FORCE and policy)';
    END IF;
END
$$;
