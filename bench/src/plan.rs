//! How long each point runs, and at which concurrencies.

use crate::entries::Rows;
use std::time::Duration;

/// The plan of a run: full, or quick (a smoke check).
pub struct Plan {
    pub quick: bool,
    pub duration: Duration,
    /// Rounds of each head-to-head pair, and how long each side runs in one.
    pub rounds: usize,
    pub pair_duration: Duration,
    /// The concurrencies of [`Rows::All`] and of [`Rows::Split`].
    all: &'static [usize],
    split: &'static [usize],
}

impl Plan {
    pub fn of(quick: bool) -> Plan {
        if quick {
            Plan {
                quick,
                duration: Duration::from_secs(2),
                rounds: 3,
                pair_duration: Duration::from_secs(2),
                all: &[1, 8],
                split: &[1, 8],
            }
        } else {
            Plan {
                quick,
                duration: Duration::from_secs(6),
                rounds: 5,
                pair_duration: Duration::from_secs(3),
                all: &[1, 8, 64],
                split: &[1, 8],
            }
        }
    }

    /// The concurrencies a target with these `rows` is measured at.
    pub fn concurrencies(&self, rows: Rows) -> &'static [usize] {
        match rows {
            Rows::All => self.all,
            Rows::Split => self.split,
            Rows::PairsOnly => &[],
        }
    }
}
