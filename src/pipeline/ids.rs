//! The ids of a content directory that the command line takes (`--only`, `--report`,
//! `--table`): what the shell completes. Never an error: a plan that loads gives exactly the ids
//! the commands accept; one that does not (a broken file) gives what its files name, each read
//! alone; a directory that is not there gives nothing.

use std::path::Path;

use crate::content::{self, Loaded};
use crate::progress::Silent;

use super::documents;

/// The ids of a content directory, each list in the plan's order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ids {
    /// The documents `build --only` builds: `plan`, the appendices built apart, and
    /// `tjansteskrivelse` when the content has a decision paper.
    pub documents: Vec<String>,
    /// The follow-up reports (`uppfoljning/`), drafts with errors included.
    pub reports: Vec<String>,
    /// The amount tables.
    pub tables: Vec<String>,
}

/// The ids of the content directory `dir`.
pub fn of(dir: &Path) -> Ids {
    let Ok(Loaded { plan, unloaded, .. }) = content::load(dir, &Silent) else {
        return Ids::default();
    };
    match plan {
        Ok(plan) => {
            let mut reports: Vec<String> =
                plan.reports.iter().map(|r| r.value.id.clone()).collect();
            for id in unloaded.into_iter().filter_map(|u| u.id) {
                if !reports.contains(&id) {
                    reports.push(id);
                }
            }
            Ids {
                documents: documents::ids(&plan),
                reports,
                tables: plan.tables.keys().cloned().collect(),
            }
        }
        Err(_) => {
            let mut documents = vec![documents::PLAN.to_string()];
            documents.extend(content::ids_in(dir, "appendices"));
            if dir.join("tjansteskrivelse.yaml").is_file() {
                documents.push(documents::PAPER.to_string());
            }
            Ids {
                documents,
                reports: content::ids_in(dir, "uppfoljning"),
                tables: content::ids_in(dir, "tables"),
            }
        }
    }
}
