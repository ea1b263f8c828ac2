//! When the preview rebuilds: on every change of a file under the content directory or the
//! project's templates directory. File-system events come in bursts (an editor writes a file
//! in several steps, a checkout writes many): a change is reported once the burst has been
//! quiet for [`SETTLE`], a little time against the preview's budget of a rebuild (an editor's
//! save, a write or a write and a rename, takes well under it).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::error::Result;

/// Quiet time after an event before the change is reported.
pub const SETTLE: Duration = Duration::from_millis(8);
/// Longest a burst of events may delay a rebuild.
const LONGEST_BURST: Duration = Duration::from_millis(500);

/// Watches directories for changes.
pub struct Watcher {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    templates: Option<PathBuf>,
}

/// A change: whether a file of the templates changed (then they are read again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Change {
    pub templates: bool,
}

impl Watcher {
    /// Watches `content` and, when given, the project's `templates` directory, recursively.
    pub fn new(content: &Path, templates: Option<&Path>) -> Result<Watcher> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| crate::usage_error!("cannot watch for changes: {e}"))?;
        for dir in std::iter::once(content).chain(templates) {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| crate::usage_error!("cannot watch {}: {e}", dir.display()))?;
        }
        let templates = templates.map(|t| std::path::absolute(t).unwrap_or_else(|_| t.into()));
        Ok(Watcher {
            _watcher: watcher,
            events,
            templates,
        })
    }

    /// Waits for the next change, at most `timeout` (`None`: for ever). `None` when there was
    /// none in that time, or the watcher stopped.
    pub fn next(&self, timeout: Option<Duration>) -> Option<Change> {
        let mut change = loop {
            let event = match timeout {
                Some(t) => self.events.recv_timeout(t).ok()?,
                None => self.events.recv().ok()?,
            };
            if let Some(change) = self.judge(event) {
                break change;
            }
        };
        let start = std::time::Instant::now();
        while start.elapsed() < LONGEST_BURST {
            match self.events.recv_timeout(SETTLE) {
                Ok(event) => {
                    if let Some(more) = self.judge(event) {
                        change.templates |= more.templates;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(change)
    }

    /// Whether an event is a change (reading a file is not), and of which files.
    fn judge(&self, event: notify::Result<notify::Event>) -> Option<Change> {
        // An error of the watcher (an overflow of its queue) may hide a change: rebuild.
        let Ok(event) = event else {
            return Some(Change { templates: true });
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return None;
        }
        let templates = self.templates.as_ref().is_some_and(|dir| {
            event
                .paths
                .iter()
                .any(|p| std::path::absolute(p).is_ok_and(|p| p.starts_with(dir)))
        });
        Some(Change { templates })
    }
}
