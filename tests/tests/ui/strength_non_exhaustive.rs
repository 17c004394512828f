use apierror::status::Strength;

// Strength may grow (say, SHOULD NOT): a match from another crate needs `_`.
fn describe(strength: Strength) -> &'static str {
    match strength {
        Strength::Must => "must",
        Strength::Should => "should",
        Strength::May => "may",
    }
}

fn main() {
    let _ = describe(Strength::Must);
}
