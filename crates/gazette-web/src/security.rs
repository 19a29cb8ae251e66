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

/// The story editor's autosave: the form's text kept in the browser's
/// storage two seconds after typing stops and when the tab closes, and
/// offered back when the editor opens with different text. Inline on the
/// editor's page, allowed by its hash like the beacon.
pub const EDITOR_JS: &str = r#"(function(){var f=document.getElementById("story-form"),s=window.localStorage;if(!f||!s)return;var k="gazette:draft:"+(f.dataset.story||"new"),N=["headline","standfirst","body","sections","contributors","tags","dateline_place","sources","credit","image","related","language","slug"],t=null;function read(){var o={};N.forEach(function(n){var e=f.elements[n];if(e)o[n]=e.value});return o}function same(a){return N.every(function(n){var e=f.elements[n];return !e||e.value===(a[n]||"")})}var old=null;try{old=JSON.parse(s.getItem(k)||"null")}catch(e){}var b=document.getElementById("autosave");if(old&&old.fields&&b&&!same(old.fields)){b.hidden=false;b.querySelector(".when").textContent=new Date(old.at).toLocaleString();b.querySelector("[data-restore]").addEventListener("click",function(){N.forEach(function(n){var e=f.elements[n];if(e&&typeof old.fields[n]==="string")e.value=old.fields[n]});b.hidden=true});b.querySelector("[data-discard]").addEventListener("click",function(){s.removeItem(k);b.hidden=true})}function keep(){t=null;try{s.setItem(k,JSON.stringify({at:Date.now(),fields:read()}))}catch(e){}}f.addEventListener("input",function(){if(!t)t=setTimeout(keep,2000)});addEventListener("pagehide",function(){if(t){clearTimeout(t);keep()}});f.addEventListener("submit",function(e){if(!(e.submitter&&e.submitter.hasAttribute("formaction")))s.removeItem(k)})})();"#;

/// `default-src 'self'`, and for scripts only the beacon and the editor's
/// autosave, by their hashes: whatever markup slipped into a page could not
/// run a script.
static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BEACON_JS));
    let editor = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(EDITOR_JS));
    let policy = format!(
        "default-src 'self'; script-src 'sha256-{hash}' 'sha256-{editor}'; style-src 'self'; \
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
        assert!(csp.contains(&format!("script-src 'sha256-{hash}' 'sha256-")));
        let editor = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(EDITOR_JS));
        assert!(csp.contains(&format!("'sha256-{editor}';")));
    }
}
