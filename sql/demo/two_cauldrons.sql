-- Run as the application role: two cauldrons write and read the same tables and never see
-- each other's rows.
\set ON_ERROR_STOP on
\echo '--- the pilot, by the database default (no enter at all)'
SELECT * FROM cauldron.context();
INSERT INTO members (name, email) VALUES ('Pat Pilot', 'pat@pilot.example');
INSERT INTO stories (member_id, title)
    SELECT id, 'Pilot story' FROM members WHERE email = 'pat@pilot.example';

\echo '--- acme, entered for one transaction'
BEGIN;
SELECT cauldron.enter('acme');
INSERT INTO members (name, email) VALUES ('Ada Acme', 'ada@acme.example');
INSERT INTO stories (member_id, title)
    SELECT id, 'Acme story' FROM members WHERE email = 'ada@acme.example';
SELECT cauldron_id, title FROM stories ORDER BY title;
COMMIT;

\echo '--- back in the pilot after COMMIT: acme''s rows are gone from view'
SELECT * FROM cauldron.context();
SELECT cauldron_id, title FROM stories ORDER BY title;

\echo '--- acme cannot write into the pilot (expect: new row violates row-level security)'
BEGIN;
SELECT cauldron.enter('acme');
\set ON_ERROR_STOP off
INSERT INTO stories (cauldron_id, title) VALUES ('10ksb-pilot', 'Forged story');
\set ON_ERROR_STOP on
ROLLBACK;

\echo '--- and cannot forge the context (expect: permission denied to set parameter)'
\set ON_ERROR_STOP off
SET cauldron.id = 'acme';
\set ON_ERROR_STOP on
SELECT count(*) AS pilot_stories_visible_to_pilot FROM stories;
