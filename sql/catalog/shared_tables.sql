-- Tables registered as global on purpose with `cauldron.share()`.
--
-- Only sent when the extension is installed (see extension.sql): the table does not exist
-- otherwise. Names are stored as `name`, read here as text.
SELECT schema_name::text AS schema_name, table_name::text AS table_name
FROM cauldron.shared_tables
