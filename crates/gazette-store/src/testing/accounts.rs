//! Staff accounts, sessions, failed sign-ins and the audit log.

use std::time::Duration;

use gazette_domain::{NewUser, Role, UserId};

use super::{Check, Ctx, check, now};
use crate::{AuditFilter, NewAuditEntry, NewSession, Page, StoreError};

pub(super) fn checks() -> Vec<Check> {
    vec![
        check!(Accounts, accounts_are_added_found_and_unique),
        check!(Accounts, sessions_live_until_they_expire_or_end),
        check!(Accounts, failed_sign_ins_are_counted_in_their_window),
        check!(Accounts, the_audit_log_is_newest_first_and_filtered),
        check!(Accounts, api_tokens_belong_to_one_account_until_revoked),
        check!(Accounts, an_account_is_linked_to_a_byline),
    ]
}

fn user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: email.into(),
        name: format!("Name of {email}"),
        role,
        password_hash: format!("hash of {email}"),
    }
}

fn session(token: &str, user: UserId, expires_in: Duration) -> NewSession {
    NewSession {
        token_hash: token.into(),
        user,
        csrf: format!("csrf {token}"),
        created_at: now(),
        expires_at: now() + expires_in,
    }
}

const DAY: Duration = Duration::from_secs(24 * 3600);

async fn accounts_are_added_found_and_unique(ctx: &Ctx) {
    let store = &*ctx.store;
    let ani = store
        .add_user(&user("ani@example.org", Role::Admin), now())
        .await
        .unwrap();
    assert_eq!(ani.email, "ani@example.org");
    assert_eq!(ani.role, Role::Admin);
    assert_eq!(ani.created_at, now());
    assert!(ani.contributor.is_none());
    let bob = store
        .add_user(&user("bob@example.org", Role::Contributor), now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_user(&user("ani@example.org", Role::Editor), now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.user(bob.id).await.unwrap(), bob);
    let creds = store.credentials("ani@example.org").await.unwrap();
    assert_eq!(creds.user, ani);
    assert_eq!(creds.password_hash, "hash of ani@example.org");
    assert!(matches!(
        store.credentials("nobody@example.org").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.user(UserId(bob.id.0 + 100)).await,
        Err(StoreError::NotFound)
    ));
    let all = store.users().await.unwrap();
    assert_eq!(
        all.iter().map(|u| u.id).collect::<Vec<_>>(),
        [ani.id, bob.id]
    );
    assert_eq!(store.count_users_with_role(Role::Admin).await.unwrap(), 1);
    let bob2 = store.set_role(bob.id, Role::Editor).await.unwrap();
    assert_eq!(bob2.role, Role::Editor);
    assert_eq!(store.user(bob.id).await.unwrap().role, Role::Editor);
    store.set_password_hash(bob.id, "new hash").await.unwrap();
    assert_eq!(
        store
            .credentials("bob@example.org")
            .await
            .unwrap()
            .password_hash,
        "new hash"
    );
    assert!(matches!(
        store.set_password_hash(UserId(999_999), "x").await,
        Err(StoreError::NotFound)
    ));
}

async fn sessions_live_until_they_expire_or_end(ctx: &Ctx) {
    let store = &*ctx.store;
    let ani = store
        .add_user(&user("ani@example.org", Role::Editor), now())
        .await
        .unwrap();
    let bob = store
        .add_user(&user("bob@example.org", Role::Author), now())
        .await
        .unwrap();
    store
        .add_session(&session("a1", ani.id, DAY))
        .await
        .unwrap();
    store
        .add_session(&session("a2", ani.id, DAY))
        .await
        .unwrap();
    store
        .add_session(&session("b1", bob.id, DAY))
        .await
        .unwrap();
    store
        .add_session(&session("old", bob.id, Duration::from_secs(1)))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_session(&session("ghost", UserId(999_999), DAY))
            .await,
        Err(StoreError::MissingReference(_))
    ));
    let s = store.session("a1", now()).await.unwrap();
    assert_eq!(s.user, ani);
    assert_eq!(s.csrf, "csrf a1");
    assert_eq!(s.expires_at, now() + DAY);
    let later = now() + Duration::from_secs(2);
    assert!(matches!(
        store.session("old", later).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.session("nope", now()).await,
        Err(StoreError::NotFound)
    ));
    // A role change shows in the session at once.
    store.set_role(ani.id, Role::Admin).await.unwrap();
    assert_eq!(
        store.session("a2", now()).await.unwrap().user.role,
        Role::Admin
    );
    store.end_session("a1").await.unwrap();
    assert!(store.session("a1", now()).await.is_err());
    assert!(store.session("a2", now()).await.is_ok());
    assert_eq!(store.end_sessions(ani.id).await.unwrap(), 1);
    assert!(store.session("a2", now()).await.is_err());
    assert!(store.session("b1", now()).await.is_ok(), "others stay");
    assert_eq!(store.end_expired_sessions(later).await.unwrap(), 1);
    assert!(store.session("b1", now()).await.is_ok());
}

async fn failed_sign_ins_are_counted_in_their_window(ctx: &Ctx) {
    let store = &*ctx.store;
    let window = Duration::from_secs(900);
    let t0 = now();
    for i in 1..=3u32 {
        let at = t0 + Duration::from_secs(u64::from(i));
        assert_eq!(
            store
                .note_failed_sign_in("ani@example.org", at, at - window)
                .await
                .unwrap(),
            i
        );
    }
    store
        .note_failed_sign_in("bob@example.org", t0, t0 - window)
        .await
        .unwrap();
    assert_eq!(
        store
            .failed_sign_ins("ani@example.org", t0 - window)
            .await
            .unwrap(),
        3
    );
    // Later than the window: the old ones no longer count.
    let late = t0 + window + Duration::from_secs(10);
    assert_eq!(
        store
            .note_failed_sign_in("ani@example.org", late, late - window)
            .await
            .unwrap(),
        1
    );
    store
        .forget_failed_sign_ins("ani@example.org")
        .await
        .unwrap();
    assert_eq!(
        store
            .failed_sign_ins("ani@example.org", t0 - window)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .failed_sign_ins("bob@example.org", t0 - window)
            .await
            .unwrap(),
        1,
        "another address keeps its count"
    );
    // The job forgets what is older than the window, whoever it was.
    assert_eq!(store.prune_failed_sign_ins(late).await.unwrap(), 1);
    assert_eq!(
        store
            .failed_sign_ins("bob@example.org", t0 - window)
            .await
            .unwrap(),
        0
    );
}

async fn the_audit_log_is_newest_first_and_filtered(ctx: &Ctx) {
    let store = &*ctx.store;
    let ani = store
        .add_user(&user("ani@example.org", Role::Admin), now())
        .await
        .unwrap();
    for (who, action, subject) in [
        (Some(ani.id), "user.add", "user bob@example.org"),
        (Some(ani.id), "comment.approve", "comment 1"),
        (None, "user.password-reset", "user ani@example.org"),
        (Some(ani.id), "comment.approve", "comment 2"),
    ] {
        store
            .record_audit(&NewAuditEntry {
                at: now(),
                user: who,
                action: action.into(),
                subject: subject.into(),
                detail: "why".into(),
            })
            .await
            .unwrap();
    }
    let all = store
        .audit_log(&AuditFilter::default(), Page::new(1, 10))
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(),
        [
            "comment 2",
            "user ani@example.org",
            "comment 1",
            "user bob@example.org"
        ]
    );
    assert_eq!(all[0].user_email.as_deref(), Some("ani@example.org"));
    assert_eq!(all[0].at, now());
    assert_eq!(all[0].detail, "why");
    assert!(all[1].user.is_none() && all[1].user_email.is_none());
    let approvals = store
        .audit_log(
            &AuditFilter {
                action: Some("comment.approve".into()),
                user: None,
            },
            Page::new(1, 10),
        )
        .await
        .unwrap();
    assert_eq!(approvals.len(), 2);
    let by_ani = store
        .audit_log(
            &AuditFilter {
                action: None,
                user: Some(ani.id),
            },
            Page::new(2, 2),
        )
        .await
        .unwrap();
    assert_eq!(
        by_ani
            .iter()
            .map(|e| e.subject.as_str())
            .collect::<Vec<_>>(),
        ["user bob@example.org"],
        "page 2 of ani's three"
    );
}

async fn api_tokens_belong_to_one_account_until_revoked(ctx: &Ctx) {
    let store = &*ctx.store;
    let ani = store
        .add_user(&user("ani@example.org", Role::Editor), now())
        .await
        .unwrap();
    let bob = store
        .add_user(&user("bob@example.org", Role::Author), now())
        .await
        .unwrap();
    let t1 = store
        .add_api_token(ani.id, "newsletter", "h1", now())
        .await
        .unwrap();
    let t2 = store
        .add_api_token(ani.id, "phone", "h2", now())
        .await
        .unwrap();
    store
        .add_api_token(bob.id, "bob's", "h3", now())
        .await
        .unwrap();
    assert!(matches!(
        store.add_api_token(bob.id, "same hash", "h1", now()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .add_api_token(UserId(999_999), "ghost", "h9", now())
            .await,
        Err(StoreError::MissingReference(_))
    ));
    let listed = store.api_tokens(ani.id).await.unwrap();
    assert_eq!(listed, [t1.clone(), t2.clone()]);
    assert_eq!(listed[0].name, "newsletter");
    assert_eq!(listed[0].created_at, now());
    assert_eq!(store.api_token_user("h1").await.unwrap(), ani);
    assert_eq!(store.api_token_user("h3").await.unwrap().id, bob.id);
    assert!(matches!(
        store.api_token_user("nope").await,
        Err(StoreError::NotFound)
    ));
    // Only its owner revokes a token.
    assert!(!store.revoke_api_token(bob.id, t1.id).await.unwrap());
    assert!(store.api_token_user("h1").await.is_ok());
    assert!(store.revoke_api_token(ani.id, t1.id).await.unwrap());
    assert!(
        !store.revoke_api_token(ani.id, t1.id).await.unwrap(),
        "once"
    );
    assert!(matches!(
        store.api_token_user("h1").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.api_tokens(ani.id).await.unwrap(), [t2]);
    // A role change counts at once.
    store.set_role(ani.id, Role::Contributor).await.unwrap();
    assert_eq!(
        store.api_token_user("h2").await.unwrap().role,
        Role::Contributor
    );
}

async fn an_account_is_linked_to_a_byline(ctx: &Ctx) {
    let store = &*ctx.store;
    let ani = store
        .add_user(&user("ani@example.org", Role::Author), now())
        .await
        .unwrap();
    assert!(store.linked_contributor(ani.id).await.unwrap().is_none());
    let linked = store
        .set_user_contributor(ani.id, Some("Ani Hakobyan"))
        .await
        .unwrap();
    let c = store.linked_contributor(ani.id).await.unwrap().unwrap();
    assert_eq!(linked.contributor, Some(c.id));
    assert_eq!(c.name, "Ani Hakobyan");
    assert_eq!(store.contributor_by_slug("ani-hakobyan").await.unwrap(), c);
    // The same name again: the same contributor, not a second one.
    let again = store
        .set_user_contributor(ani.id, Some("Ani Hakobyan"))
        .await
        .unwrap();
    assert_eq!(again.contributor, Some(c.id));
    assert!(matches!(
        store.set_user_contributor(ani.id, Some("!!!")).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.user(ani.id).await.unwrap().contributor, Some(c.id));
    let unlinked = store.set_user_contributor(ani.id, None).await.unwrap();
    assert!(unlinked.contributor.is_none());
    assert!(store.linked_contributor(ani.id).await.unwrap().is_none());
    assert!(matches!(
        store.set_user_contributor(UserId(ani.id.0 + 9), None).await,
        Err(StoreError::NotFound)
    ));
}
