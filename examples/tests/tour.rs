//! The tour checks every answer it gets (status, content type, the whole
//! body) against what the contract says, and the client part checks the
//! errors it reads back: run it on both frameworks and require a clean exit.

use std::process::Command;

fn tour(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_tour"))
        .args(args)
        .output()
        .expect("the tour runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tour {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("responses were as expected."),
        "tour {args:?}:\n{stdout}"
    );
    assert!(!stdout.contains("\n! "), "tour {args:?}:\n{stdout}");
}

#[test]
fn the_tour_on_axum_gets_every_expected_answer() {
    tour(&[]);
}

#[test]
fn the_tour_on_actix_web_gets_every_expected_answer() {
    tour(&["--actix"]);
}
