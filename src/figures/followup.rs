//! The figures of a follow-up report (`content/uppfoljning/*.yaml`): the plan's tables
//! projected onto the report's period, with the outcome (`utfall`), the deviation
//! (`avvikelse`) and, before the year's end, the forecast (`prognos`) beside the budget column.

/// The outcome column of a projected table.
pub const UTFALL: &str = "utfall";
/// The deviation of the outcome from the budget.
pub const AVVIKELSE: &str = "avvikelse";
/// The forecast for the whole year.
pub const PROGNOS: &str = "prognos";
/// The deviation of the forecast from the budget.
pub const AVVIKELSE_PROGNOS: &str = "avvikelse-prognos";
/// The share of the Handlingsplan's planned effect that is realised.
pub const GENOMFORANDE: &str = "genomforande";
/// The ids of the columns a report adds to a plan table: a plan table may not use them.
pub const RESERVED_COLUMNS: [&str; 5] =
    [UTFALL, AVVIKELSE, PROGNOS, AVVIKELSE_PROGNOS, GENOMFORANDE];
/// The generated table of goals per assessment (`maluppfyllelse/uppfylld/andel`).
pub const GOALS_TABLE: &str = "maluppfyllelse";
