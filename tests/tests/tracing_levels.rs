//! `apierror::log::set_level`: the level per status class is configurable,
//! and `None` silences a class. In a binary of its own, since the setting is
//! process-wide.

use std::sync::{Arc, Mutex};

use apierror::Problem;
use apierror::status::Class;
use http::StatusCode;
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Keeps the level and status of each response event.
#[derive(Clone, Default)]
struct Levels(Arc<Mutex<Vec<(Level, u16)>>>);

impl<S: Subscriber> Layer<S> for Levels {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        struct Status(u16);
        impl tracing::field::Visit for Status {
            fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
                if field.name() == "status" {
                    self.0 = u16::try_from(value).unwrap_or(0);
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        if event.metadata().target() == "apierror::log" {
            let mut status = Status(0);
            event.record(&mut status);
            self.0
                .lock()
                .unwrap()
                .push((*event.metadata().level(), status.0));
        }
    }
}

fn respond_with(levels: &Levels) -> Vec<(Level, u16)> {
    let subscriber = tracing_subscriber::registry().with(levels.clone());
    tracing::subscriber::with_default(subscriber, || {
        let _ = apierror::response(&Problem::new(StatusCode::NOT_FOUND));
        let _ = apierror::response(&Problem::new(StatusCode::BAD_GATEWAY));
    });
    std::mem::take(&mut *levels.0.lock().unwrap())
}

#[test]
fn levels_per_class_are_configurable() {
    let levels = Levels::default();

    assert_eq!(apierror::log::level(Class::ClientError), Some(Level::DEBUG));
    assert_eq!(apierror::log::level(Class::ServerError), Some(Level::ERROR));
    assert_eq!(
        respond_with(&levels),
        [(Level::DEBUG, 404), (Level::ERROR, 502)]
    );

    apierror::log::set_level(Class::ClientError, Some(Level::INFO));
    apierror::log::set_level(Class::ServerError, Some(Level::WARN));
    assert_eq!(
        respond_with(&levels),
        [(Level::INFO, 404), (Level::WARN, 502)]
    );

    apierror::log::set_level(Class::ClientError, None);
    apierror::log::set_level(Class::ServerError, Some(Level::TRACE));
    assert_eq!(apierror::log::level(Class::ClientError), None);
    assert_eq!(respond_with(&levels), [(Level::TRACE, 502)]);
}
