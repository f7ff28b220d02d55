//! Writes the SQL of a multi-tenant benchmark schema with N tables to stdout.
//!
//! Usage: `cauldron-bench-schema TABLES [SCHEMA]`. Tables are isolated the way the extension
//! does it (tenant column, scoped foreign key to the previous table, composite indexes,
//! forced row-level security, the isolation policy); every tenth table carries one planted
//! defect, cycling through the rule catalogue. Tables are created in batches of 50 per
//! transaction: each table takes several locks until commit, and the lock table is shared by
//! the whole cluster. Commits are asynchronous to keep the many small transactions cheap.

use std::fmt::Write as _;
use std::io::Write as _;

const BATCH: usize = 50;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(tables) = args.next().and_then(|n| n.parse::<usize>().ok()) else {
        eprintln!("usage: cauldron-bench-schema TABLES [SCHEMA]");
        std::process::exit(2);
    };
    let schema = args.next().unwrap_or_else(|| "bench".to_string());
    let mut out = String::new();
    let _ = writeln!(out, "CREATE SCHEMA IF NOT EXISTS {schema};");
    let _ = writeln!(
        out,
        "CREATE OR REPLACE FUNCTION public.current_cauldron() RETURNS varchar LANGUAGE sql \
         STABLE PARALLEL SAFE AS $$ SELECT current_setting('cauldron.id', true)::varchar $$;"
    );
    let _ = writeln!(
        out,
        "DO $$ BEGIN CREATE ROLE bench_app NOLOGIN; \
         EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
    );
    out.push_str("SET synchronous_commit = off;\nBEGIN;\n");
    for index in 0..tables {
        if index > 0 && index % BATCH == 0 {
            out.push_str("COMMIT;\nBEGIN;\n");
        }
        table(&mut out, &schema, index);
    }
    out.push_str("COMMIT;\nANALYZE;\n");
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .expect("write schema to stdout");
}

/// The defects planted on every tenth table, in turn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Defect {
    None,
    NoTenantColumn,
    NullableTenantColumn,
    NotForced,
    PerRowFunction,
    UnscopedForeignKey,
    MissingIndex,
    PermissiveBypass,
    TruncateGrant,
    DefinerView,
}

const DEFECTS: [Defect; 9] = [
    Defect::NoTenantColumn,
    Defect::NullableTenantColumn,
    Defect::NotForced,
    Defect::PerRowFunction,
    Defect::UnscopedForeignKey,
    Defect::MissingIndex,
    Defect::PermissiveBypass,
    Defect::TruncateGrant,
    Defect::DefinerView,
];

fn table(out: &mut String, schema: &str, index: usize) {
    let defect = if index % 10 == 9 {
        DEFECTS[(index / 10) % DEFECTS.len()]
    } else {
        Defect::None
    };
    let name = format!("{schema}.t{index:05}");
    if defect == Defect::NoTenantColumn {
        let _ = writeln!(
            out,
            "CREATE TABLE {name} (id bigint PRIMARY KEY, label text);"
        );
        return;
    }
    let not_null = if defect == Defect::NullableTenantColumn {
        ""
    } else {
        " NOT NULL"
    };
    let parent = (index > 0).then(|| format!("{schema}.t{:05}", index - 1));
    let parent_is_tenant = index > 0
        && !(index % 10 == 0
            && DEFECTS[((index - 1) / 10) % DEFECTS.len()] == Defect::NoTenantColumn);
    let _ = write!(
        out,
        "CREATE TABLE {name} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), \
         cauldron_id varchar(50){not_null} DEFAULT current_cauldron(), parent_id uuid, \
         label text, amount numeric(12,2) NOT NULL DEFAULT 0, \
         created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (cauldron_id, id)"
    );
    match (&parent, parent_is_tenant, defect) {
        (Some(parent), true, Defect::UnscopedForeignKey) => {
            let _ = write!(out, ", FOREIGN KEY (parent_id) REFERENCES {parent} (id)");
        }
        (Some(parent), true, _) => {
            let _ = write!(
                out,
                ", FOREIGN KEY (cauldron_id, parent_id) REFERENCES {parent} (cauldron_id, id)"
            );
        }
        _ => {}
    }
    out.push_str(");\n");
    if defect != Defect::MissingIndex {
        let _ = writeln!(out, "CREATE INDEX ON {name} (cauldron_id, parent_id);");
    }
    let _ = writeln!(out, "CREATE INDEX ON {name} (created_at);");
    let force = if defect == Defect::NotForced {
        ""
    } else {
        ", FORCE ROW LEVEL SECURITY"
    };
    let _ = writeln!(out, "ALTER TABLE {name} ENABLE ROW LEVEL SECURITY{force};");
    let tenant = if defect == Defect::PerRowFunction {
        "public.current_cauldron()"
    } else {
        "(SELECT public.current_cauldron())"
    };
    let _ = writeln!(
        out,
        "CREATE POLICY cauldron_isolation ON {name} AS PERMISSIVE FOR ALL \
         USING (cauldron_id = {tenant}) WITH CHECK (cauldron_id = {tenant});"
    );
    if defect == Defect::PermissiveBypass {
        let _ = writeln!(
            out,
            "CREATE POLICY recent ON {name} FOR SELECT \
             USING (created_at > now() - interval '1 day');"
        );
    }
    let privileges = if defect == Defect::TruncateGrant {
        "SELECT, INSERT, TRUNCATE"
    } else {
        "SELECT, INSERT"
    };
    let _ = writeln!(out, "GRANT {privileges} ON {name} TO bench_app;");
    if defect == Defect::DefinerView {
        let _ = writeln!(
            out,
            "CREATE VIEW {schema}.v{index:05} AS SELECT id, label FROM {name};"
        );
    } else if index % 50 == 0 {
        let _ = writeln!(
            out,
            "CREATE VIEW {schema}.v{index:05} WITH (security_invoker = true) AS SELECT id, label FROM {name};"
        );
    }
}
