-- Roles with the attributes that decide whether row-level security applies to them.
--
-- pg_roles rather than pg_authid: it is readable by every role and hides passwords.
SELECT
    r.rolname AS role_name,
    r.rolcanlogin AS can_login,
    r.rolsuper AS is_superuser,
    r.rolbypassrls AS bypass_rls,
    ARRAY(
        SELECT g.rolname::text
        FROM pg_catalog.pg_auth_members AS m
        JOIN pg_catalog.pg_roles AS g ON g.oid = m.roleid
        WHERE m.member = r.oid
    ) AS member_of
FROM pg_catalog.pg_roles AS r
