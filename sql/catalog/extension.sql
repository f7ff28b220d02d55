-- Is the `cauldron` extension installed in this database, and in which schema?
--
-- The schema matters twice: it holds `current_cauldron()`, so a policy calling
-- `<schema>.current_cauldron()` is the real tenant function and not a lookalike, and its
-- presence tells the loader that `cauldron.shared_tables` can be read.
SELECT n.nspname AS extension_schema
FROM pg_catalog.pg_extension AS e
JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
WHERE e.extname = 'cauldron'
