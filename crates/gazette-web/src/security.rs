//! Headers every response carries: a Content-Security-Policy that lets the
//! view beacon's script run (by its hash) and nothing else inline, no
//! framing, no MIME sniffing, and a referrer policy that keeps our own
//! pages' addresses from other sites.

use std::sync::LazyLock;

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The view beacon: the page's only script, the same on every page (the
/// address it reports to is in its `data-hit` attribute), so that the
/// Content-Security-Policy can allow it by its hash. After the page is
/// shown (not while prerendered, not under automation) it sends one beacon.
pub const BEACON_JS: &str = r#"(function(){var d=document,n=navigator,u=d.currentScript.dataset.hit;function h(){if(n.webdriver)return;if(n.sendBeacon)n.sendBeacon(u);else fetch(u,{method:"POST",keepalive:true})}if(d.prerendering)d.addEventListener("prerenderingchange",h,{once:true});else h()})();"#;

/// `default-src 'self'`, and for scripts only the beacon: whatever markup
/// slipped into a page could not run a script.
static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BEACON_JS));
    let policy = format!(
        "default-src 'self'; script-src 'sha256-{hash}'; style-src 'self'; \
         img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("an ASCII policy")
});

pub async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_beacon_by_its_hash_and_nothing_else_inline() {
        let csp = CSP.to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BEACON_JS));
        assert!(csp.contains(&format!("script-src 'sha256-{hash}'")));
    }
}
