//! The store conformance suite on PostgreSQL: each check on a fresh
//! database cloned from a migrated template. Skips (saying so) without
//! GAZETTE_TEST_POSTGRES_URL; fails instead with GAZETTE_TEST_REQUIRE_POSTGRES=1.

gazette_store::conformance_tests!(gazette_store_postgres::testing::fresh().await);
