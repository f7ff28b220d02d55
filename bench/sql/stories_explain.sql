-- The plans of both benchmark queries as the ordinary role sees them, for member 42
-- (cauldron-43), in a transaction that entered its cauldron.
BEGIN;
SELECT cauldron.enter('cauldron-43') \g /dev/null
\echo '-- stories (row-level security)'
EXPLAIN (COSTS OFF)
SELECT id, title, created FROM stories WHERE member_id = md5('member-42')::uuid;
\echo '-- stories_plain (literal filter)'
EXPLAIN (COSTS OFF)
SELECT id, title, created FROM stories_plain
 WHERE cauldron_id = 'cauldron-43' AND member_id = md5('member-42')::uuid;
\echo '-- rows seen by each (must match)'
SELECT (SELECT count(*) FROM stories WHERE member_id = md5('member-42')::uuid) AS rls,
       (SELECT count(*) FROM stories_plain
         WHERE cauldron_id = 'cauldron-43' AND member_id = md5('member-42')::uuid) AS literal;
COMMIT;
