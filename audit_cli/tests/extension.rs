//! The architecture decision's schema isolated with the extension's own helpers audits clean.
//! Skipped, with a message, where the `cauldron` extension is not installed on the server
//! (never under `scripts/test.sh`, which installs it and sets `CAULDRON_REQUIRE_EXTENSION`).

mod common;

use common::{stderr, stdout, TestDatabase};

#[test]
fn adr_schema_isolated_with_the_extension_audits_clean() {
    let database = TestDatabase::create("adr_plain.sql");
    let mut admin = database.admin();
    let available: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'cauldron'",
            &[],
        )
        .unwrap()
        .get(0);
    if available == 0 {
        // The project's test script installs the extension first and sets this, so there
        // the test can never pass by skipping.
        assert!(
            std::env::var_os("CAULDRON_REQUIRE_EXTENSION").is_none(),
            "the cauldron extension is not installed on the test server"
        );
        println!("skipped: the cauldron extension is not installed on the test server");
        return;
    }
    admin
        .batch_execute("CREATE EXTENSION cauldron")
        .expect("CREATE EXTENSION cauldron");
    admin
        .batch_execute(
            "SELECT cauldron.add_tenant_column('members');
             SELECT cauldron.add_tenant_column('stories');
             CREATE INDEX idx_stories_cauldron_member ON stories (cauldron_id, member_id);
             SELECT cauldron.scope_foreign_key('stories', 'stories_member_id_fkey');
             SELECT cauldron.isolate('members');
             SELECT cauldron.isolate('stories');
             SELECT cauldron.share('countries');",
        )
        .expect("the extension's helpers isolate the schema");

    let output = database.audit(&["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&output), stderr(&output)));
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(output.status.code(), Some(0));
}
