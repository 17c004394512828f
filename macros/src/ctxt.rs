//! The context that collects every mistake of one input, so that all of them
//! are reported in one build (serde's `internals/ctxt.rs`).

use syn::Error;

/// Errors collected across the whole input, reported in one build.
#[derive(Default)]
pub struct Errors(Vec<Error>);

impl Errors {
    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    pub fn finish(self) -> Result<(), Error> {
        let mut errors = self.0.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                first.extend(errors);
                Err(first)
            }
        }
    }
}
