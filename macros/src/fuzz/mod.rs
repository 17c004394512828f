//! Fuzzes the derive with proptest: valid inputs, valid inputs with one known
//! mistake, soups of attribute keys and soups of random tokens, fed to
//! [`crate::derive`], the function the compiler calls. Whatever it is given,
//! the derive must return tokens that lex and never panic; a valid input must
//! yield no `compile_error!`, a mistaken one at least one.
//!
//! A failure is shrunk to a minimal input, printed as source text, and its
//! seed saved in `macros/proptest-regressions/fuzz/mod.txt` (commit that
//! file), which later runs replay first.
//!
//! The case count is `PROPTEST_CASES`, default [`DEFAULT_CASES`]. The other
//! `PROPTEST_*` variables work as usual (`PROPTEST_RNG_SEED`, ...).
//!
//! This is a test-only module of the macro crate rather than an integration
//! test: a proc-macro crate exports nothing but its macros, so a test crate
//! could reach `derive` only by including the macro's modules with `#[path]`
//! and copying `derive`'s own body, and would then fuzz a copy of the
//! pipeline rather than the one the compiler runs.

mod mistake;
mod model;
mod soup;
mod valid;

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use proc_macro2::{TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

use model::Model;

/// Cases per run when `PROPTEST_CASES` is unset, in CI too: 10,000 take
/// about 13 s of CPU in a debug build.
const DEFAULT_CASES: u32 = 10_000;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        // ChaCha, the default, takes three quarters of the time in a debug
        // build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

#[derive(Clone)]
enum Case {
    Valid(Model),
    Mistake(Model, &'static str),
    Union,
    KeySoup(String),
    TokenSoup(TokenStream),
}

/// What a failure shows: the input as source text.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (kind, text) = match self {
            Case::Valid(model) => ("a valid input".to_owned(), model.render()),
            Case::Mistake(model, mistake) => (format!("the mistake `{mistake}`"), model.render()),
            Case::Union => ("a union".to_owned(), UNION.to_owned()),
            Case::KeySoup(text) => ("a key soup".to_owned(), text.clone()),
            Case::TokenSoup(tokens) => ("a token soup".to_owned(), tokens.to_string()),
        };
        write!(f, "{kind}:\n{text}\n")
    }
}

const UNION: &str = "#[status(400)] pub union U { a: u32, b: f32 }";

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![
        7 => valid::model().prop_map(Case::Valid),
        7 => mistake::model().prop_map(|(model, mistake)| Case::Mistake(model, mistake)),
        1 => Just(Case::Union),
        3 => soup::key_soup_input().prop_map(Case::KeySoup),
        2 => soup::token_soup_input().prop_map(Case::TokenSoup),
    ]
}

enum Expect {
    Valid,
    Invalid,
    Anything,
}

impl Case {
    fn input(&self) -> Result<(TokenStream, Expect), TestCaseError> {
        let (text, expect) = match self {
            Case::Valid(model) => (model.render(), Expect::Valid),
            Case::Mistake(model, _) => (model.render(), Expect::Invalid),
            Case::Union => (UNION.to_owned(), Expect::Invalid),
            Case::KeySoup(text) => (text.clone(), Expect::Anything),
            Case::TokenSoup(tokens) => return Ok((tokens.clone(), Expect::Anything)),
        };
        let tokens = text.parse().map_err(|err| {
            TestCaseError::fail(format!("the generator wrote text that does not lex: {err}"))
        })?;
        Ok((tokens, expect))
    }
}

/// The derive's output, or its panic as a failure.
fn derive(input: TokenStream) -> Result<TokenStream, TestCaseError> {
    catch(|| crate::derive(input))
}

fn catch(derive: impl FnOnce() -> TokenStream) -> Result<TokenStream, TestCaseError> {
    panic::catch_unwind(AssertUnwindSafe(derive)).map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        TestCaseError::fail(format!("the derive panicked: {message}"))
    })
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let (input, expect) = case.input()?;
    let output = derive(input)?;
    let text = output.to_string();
    if text.parse::<TokenStream>().is_err() {
        return Err(TestCaseError::fail(format!(
            "the output does not lex:\n{text}"
        )));
    }
    let mut found = Vec::new();
    messages(output, &mut found);
    match expect {
        Expect::Valid if !found.is_empty() => Err(TestCaseError::fail(format!(
            "a valid input was rejected: {found:?}"
        ))),
        Expect::Invalid if found.is_empty() => {
            Err(TestCaseError::fail("the mistake was not reported"))
        }
        _ => Ok(()),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn derive_never_panics(case in case()) {
        check(&case)?;
    }
}

/// The `compile_error!` messages in `tokens`.
fn messages(tokens: TokenStream, out: &mut Vec<String>) {
    let mut tokens = tokens.into_iter();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) if ident == "compile_error" => {
                let _bang = tokens.next();
                // Any `compile_error` counts, even one not followed by a
                // message.
                out.push(match tokens.next() {
                    Some(TokenTree::Group(group)) => syn::parse2::<syn::LitStr>(group.stream())
                        .map_or_else(|_| group.to_string(), |lit| lit.value()),
                    _ => String::new(),
                });
            }
            TokenTree::Group(group) => messages(group.stream(), out),
            _ => {}
        }
    }
}

/// A diagnostic's kind: its first eight words once what the user wrote
/// (`quoted code`, "strings", numbers) is blanked out.
fn diagnostic_kind(message: &str) -> String {
    enum State {
        Text,
        Code,
        Quote,
        Escape,
    }
    let mut state = State::Text;
    let mut out = String::new();
    for c in message.chars() {
        state = match (state, c) {
            (State::Text, '`') => {
                out.push_str("`_`");
                State::Code
            }
            (State::Text, '"') => {
                out.push_str("\"_\"");
                State::Quote
            }
            (State::Text, c) if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
                State::Text
            }
            (State::Text, c) => {
                out.push(c);
                State::Text
            }
            (State::Code, '`') | (State::Quote, '"') => State::Text,
            (State::Quote, '\\') => State::Escape,
            (State::Escape, _) | (State::Quote, _) => State::Quote,
            (State::Code, _) => State::Code,
        };
    }
    out.split_whitespace().take(8).collect::<Vec<_>>().join(" ")
}

/// A runner with a fixed seed, for measurements and tests that must not
/// vary between runs.
fn deterministic_runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::XorShift))
}

/// Time per case and how many kinds of diagnostic the generated inputs
/// reach, over `PROPTEST_CASES` cases (default 10,000) from a fixed seed:
/// `cargo test -p apierror-derive fuzz::diagnostic_coverage -- --ignored --nocapture`.
/// The old splitmix64 fuzzer has the same measurement in the commit before
/// its removal (`git log --grep 'measuring the old fuzzer'`).
#[test]
#[ignore = "a measurement, not a check"]
fn diagnostic_coverage() {
    let cases = cases();
    let mut runner = deterministic_runner(cases);
    let strategy = case();
    let clock = Clock::start();
    let mut inputs = Vec::new();
    for _ in 0..cases {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        if let Ok((input, _)) = tree.current().input() {
            inputs.push(input);
        }
    }
    let generated = clock.stop();
    let clock = Clock::start();
    let outputs: Vec<TokenStream> = inputs.into_iter().map(crate::derive).collect();
    let derived = clock.stop();
    let mut kinds = BTreeMap::<String, usize>::new();
    for output in outputs {
        let mut found = Vec::new();
        messages(output, &mut found);
        for message in found {
            *kinds.entry(diagnostic_kind(&message)).or_default() += 1;
        }
    }
    for (kind, count) in &kinds {
        println!("{count:>7}  {kind}");
    }
    println!(
        "proptest fuzzer: {cases} cases, per case {} generating, {} in the derive, {} kinds of diagnostic",
        generated.per_case(cases),
        derived.per_case(cases),
        kinds.len()
    );
}

/// Wall time, and the CPU time of this thread where Linux tells it, which a
/// busy machine does not inflate.
struct Clock {
    wall: Instant,
    cpu: Option<Duration>,
}

struct Elapsed {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Clock {
    fn start() -> Self {
        Clock {
            wall: Instant::now(),
            cpu: thread_cpu(),
        }
    }

    fn stop(self) -> Elapsed {
        Elapsed {
            wall: self.wall.elapsed(),
            cpu: thread_cpu().zip(self.cpu).map(|(now, then)| now - then),
        }
    }
}

impl Elapsed {
    fn per_case(&self, cases: u32) -> String {
        let cases = cases.max(1);
        match self.cpu {
            Some(cpu) => format!("{:.1?} CPU ({:.1?} wall)", cpu / cases, self.wall / cases),
            None => format!("{:.1?} wall", self.wall / cases),
        }
    }
}

fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// A bug planted in the derive (a panic on any input with a `retry_after`
/// header) is caught and shrunk to an input of a few lines.
#[test]
fn a_panic_shrinks_to_a_small_input() {
    let mut runner = deterministic_runner(1_000);
    let result = runner.run(&valid::model(), |model| {
        let text = model.render();
        let input: TokenStream = text
            .parse()
            .map_err(|_| TestCaseError::fail("does not lex"))?;
        catch(|| {
            assert!(!text.contains("retry_after"), "planted");
            crate::derive(input)
        })?;
        Ok(())
    });
    match result {
        Err(TestError::Fail(reason, model)) => {
            let text = model.render();
            println!("shrunk to:\n{text}");
            assert!(reason.message().contains("planted"), "{reason}");
            assert!(text.contains("retry_after"), "{text}");
            assert!(model.variants.len() <= 1, "not shrunk:\n{text}");
            assert!(text.lines().count() <= 4, "not shrunk:\n{text}");
        }
        other => panic!("the planted bug was not found: {other:?}"),
    }
}
