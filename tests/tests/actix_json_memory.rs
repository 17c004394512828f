//! `apierror::actix::Json<T>` under a `web::JsonConfig`: memory stays flat
//! however many requests and whatever their `Content-Type` (it used to keep
//! a fake request and its app state alive per request), and two apps built
//! one after the other on one thread each get their own config.
//!
//! In-process on purpose: the memory test reads this process's resident
//! size, so it lives alone in its binary with one small neighbour.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::{App, web};
use apierror::actix::Json;

async fn echo(Json(value): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(value)
}

/// This process's resident set size, in kB (Linux).
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// A `Content-Type` for request `n`: JSON ones, refused ones, and one never
/// seen before each time, as an attacker would send.
fn content_type(n: u64, seed: &mut u64) -> String {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let random = *seed >> 16;
    match n % 5 {
        0 => "application/json".to_owned(),
        1 => format!("application/x-{random:x}+json"),
        2 => format!("text/{random:x}"),
        3 => format!("application/json; charset=utf-8; q{random:x}={n}"),
        _ => format!("{random:x}"),
    }
}

#[tokio::test]
async fn memory_stays_flat_under_a_json_config() {
    let app = init_service(
        App::new()
            .app_data(web::JsonConfig::default().limit(64))
            .route("/", web::post().to(echo)),
    )
    .await;
    let mut seed = 7;
    let mut run = async |from: u64, to: u64| {
        let mut seen = [0usize; 3];
        for n in from..to {
            let req = TestRequest::post()
                .uri("/")
                .insert_header((CONTENT_TYPE, content_type(n, &mut seed)))
                .set_payload(r#"{"n":1}"#)
                .to_request();
            let res = call_service(&app, req).await;
            match res.status() {
                StatusCode::OK => seen[0] += 1,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => seen[1] += 1,
                _ => seen[2] += 1,
            }
        }
        seen
    };
    // Warm up: the allocator's arenas, the probe, actix-web's pools.
    run(0, 2_000).await;
    let before = resident_kb();
    let start = std::time::Instant::now();
    let seen = run(2_000, 22_000).await;
    let elapsed = start.elapsed();
    let after = resident_kb();
    let grown = after.saturating_sub(before);
    eprintln!(
        "resident: {before} kB before, {after} kB after 20000 requests (+{grown} kB) in {elapsed:?}"
    );
    // JSON types (`application/json`, `+json`, with parameters) are read;
    // the rest are refused with 415; nothing else.
    assert_eq!(seen, [12_000, 8_000, 0]);
    assert!(grown < 4 * 1024, "resident memory grew by {grown} kB");
}

/// Sends `len` bytes of JSON to a fresh app whose `JsonConfig` has `limit`,
/// built and dropped on this thread.
async fn answer(limit: usize, data: bool, len: usize) -> (StatusCode, serde_json::Value) {
    let config = web::JsonConfig::default().limit(limit);
    let app = if data {
        App::new().app_data(web::Data::new(config))
    } else {
        App::new().app_data(config)
    };
    let app = init_service(app.route("/", web::post().to(echo))).await;
    // `"aaa…"`: a JSON string of `len` bytes in all.
    let body = format!("\"{}\"", "a".repeat(len - 2));
    let req = TestRequest::post()
        .uri("/")
        .insert_header((CONTENT_TYPE, "application/json"))
        .set_payload(body)
        .to_request();
    let res = call_service(&app, req).await;
    let status = res.status();
    let body = read_body(res).await;
    (status, serde_json::from_slice(&body).unwrap_or_default())
}

#[tokio::test]
async fn successive_apps_on_one_thread_each_get_their_own_limit() {
    for data in [false, true] {
        for round in 0..3 {
            // Each app is dropped before the next is built, so a new config
            // may well sit where the last one did.
            let (status, body) = answer(16, data, 20).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{data} {round}");
            assert_eq!(body["status"], 413);
            assert_eq!(
                body["detail"],
                "the request body is larger than the limit of 16 bytes"
            );
            let (status, body) = answer(64, data, 20).await;
            assert_eq!(status, StatusCode::OK, "{data} {round}");
            assert_eq!(body, serde_json::json!("a".repeat(18)));
            let (status, body) = answer(64, data, 100).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{data} {round}");
            assert_eq!(
                body["detail"],
                "the request body is larger than the limit of 64 bytes"
            );
        }
    }
}
