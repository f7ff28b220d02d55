-- Who may do what. Functions are executable by PUBLIC unless revoked, so everything that
-- switches the context or changes the registry is revoked here; a DBA grants it to the
-- application's pooler role (see the README).

REVOKE ALL ON FUNCTION cauldron.enter(text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION cauldron.exit() FROM PUBLIC;
REVOKE ALL ON FUNCTION cauldron.create_cauldron(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cauldron.disable_cauldron(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cauldron.enable_cauldron(text) FROM PUBLIC;
-- Declaring data global is a security decision, so it is the DBA's.
REVOKE ALL ON FUNCTION cauldron.share(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cauldron.unshare(text) FROM PUBLIC;

-- current_cauldron() and context() stay executable by everyone: they only read. The
-- isolation helpers stay executable too: they run with the caller's rights, so they can
-- only change tables the caller could ALTER anyway.
GRANT USAGE ON SCHEMA cauldron TO PUBLIC;
-- The list of shared tables is not secret, and the auditor reads it as an ordinary role.
GRANT SELECT ON cauldron.shared_tables TO PUBLIC;
