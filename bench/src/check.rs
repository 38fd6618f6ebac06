//! The table checked before anything is measured: a pair or a ratio that
//! names a target the table does not have, or one it cannot find where it
//! is measured, would otherwise drop out of the report or read as NaN.

use crate::entries::{On, Place, Rows, Table, Target, RATIO_CONCURRENCY};
use crate::plan::Plan;
use std::collections::HashSet;

/// Every problem of `table`, one a line; `Ok` if it has none.
pub fn check(table: &Table) -> Result<(), String> {
    let mut problems = Vec::new();
    problems.extend(duplicates(
        "target id",
        table.targets.iter().map(|target| target.id.to_owned()),
    ));
    problems.extend(duplicates("key of the `ratios:` line", keys(table)));
    for pair in table.pairs {
        let named = format!("pair `{}`", pair.key);
        for id in [pair.first, pair.second] {
            problems.extend(found(table, &named, id, pair.on).err());
        }
    }
    for ratio in table.ratios {
        let named = format!("ratio `{}`", ratio.key);
        for id in [ratio.first, ratio.second] {
            problems.extend(read_off(table, &named, id, ratio.on).err());
        }
    }
    let tail = read_off(table, "the latency tail", table.tail_of, On::Host);
    problems.extend(tail.err());
    problems.extend(plans_have_the_ratio_concurrency());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The target `id` names, if the table has it and it is measured on every
/// runtime `on` includes.
fn found(table: &Table, named: &str, id: &str, on: On) -> Result<&'static Target, String> {
    let target = table
        .target(id)
        .ok_or_else(|| format!("{named} names `{id}`, which is no target's id"))?;
    for runtime in Place::RUNTIMES {
        if on.includes(runtime) && target.place_for(runtime).is_none() {
            return Err(format!(
                "{named} is measured on {runtime:?}, where `{id}` is not served"
            ));
        }
    }
    Ok(target)
}

/// [`found`], with rows to read off.
fn read_off(table: &Table, named: &str, id: &str, on: On) -> Result<(), String> {
    let target = found(table, named, id, on)?;
    match target.rows {
        Rows::PairsOnly => Err(format!("{named} reads the rows of `{id}`, which has none")),
        Rows::All | Rows::Split => Ok(()),
    }
}

/// Every key the `ratios:` line can have, Spin's with their prefix.
fn keys(table: &Table) -> Vec<String> {
    let on = table
        .pairs
        .iter()
        .map(|pair| (pair.key, pair.on))
        .chain(table.ratios.iter().map(|ratio| (ratio.key, ratio.on)));
    on.flat_map(|(key, on)| {
        Place::RUNTIMES
            .into_iter()
            .filter(move |runtime| on.includes(*runtime))
            .map(move |runtime| runtime.key(key))
    })
    .collect()
}

fn duplicates(what: &str, names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .filter(|name| !seen.insert(name.clone()))
        .map(|name| format!("the {what} `{name}` is declared twice"))
        .collect()
}

fn plans_have_the_ratio_concurrency() -> Option<String> {
    let plans = [Plan::of(true), Plan::of(false)];
    let rows = [Rows::All, Rows::Split];
    let measured = |plan: &Plan| {
        rows.iter()
            .all(|rows| plan.concurrencies(*rows).contains(&RATIO_CONCURRENCY))
    };
    (!plans.iter().all(measured)).then(|| {
        format!("the ratios are read at concurrency {RATIO_CONCURRENCY}, which a plan leaves out")
    })
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::entries::{Measure, On, Pair, Ratio, Table, Target};
    use crate::targets::{TABLE, TARGETS};

    #[test]
    fn the_table_is_consistent() {
        assert_eq!(check(&TABLE), Ok(()));
    }

    #[test]
    fn a_pair_naming_an_unknown_target_is_refused() {
        const TYPO: &[Pair] = &[Pair {
            key: "app_vs_bare_chain_c8",
            on: On::EachRuntime,
            concurrency: 8,
            first: "app_singel",
            second: "bare_chain",
        }];
        let table = Table {
            pairs: TYPO,
            ..TABLE
        };
        let refused = check(&table).expect_err("a typo is refused");
        assert!(
            refused.contains("pair `app_vs_bare_chain_c8` names `app_singel`"),
            "{refused}"
        );
    }

    #[test]
    fn a_ratio_naming_an_unknown_target_or_one_without_rows_is_refused() {
        const BROKEN: &[Ratio] = &[
            Ratio {
                key: "a",
                on: On::Host,
                of: Measure::CallRate,
                first: "app_single",
                second: "nothing",
                decimals: 2,
            },
            Ratio {
                key: "b",
                on: On::Host,
                of: Measure::CallRate,
                first: "unbudgeted_single",
                second: "app_single",
                decimals: 2,
            },
        ];
        let table = Table {
            ratios: BROKEN,
            ..TABLE
        };
        let refused = check(&table).expect_err("both are refused");
        assert!(refused.contains("ratio `a` names `nothing`"), "{refused}");
        assert!(
            refused.contains("ratio `b` reads the rows of `unbudgeted_single`"),
            "{refused}"
        );
    }

    #[test]
    fn a_pair_on_spin_naming_a_host_only_target_is_refused() {
        const ON_SPIN: &[Pair] = &[Pair {
            key: "work_budget_single",
            on: On::EachRuntime,
            concurrency: 8,
            first: "app_single",
            second: "unbudgeted_single",
        }];
        let table = Table {
            pairs: ON_SPIN,
            ..TABLE
        };
        let refused = check(&table).expect_err("refused");
        assert!(
            refused.contains("measured on Spin, where `unbudgeted_single` is not served"),
            "{refused}"
        );
    }

    #[test]
    fn an_id_or_a_key_declared_twice_is_refused() {
        const TWICE: &[Ratio] = &[Ratio {
            key: "app_vs_bare_chain_c1",
            on: On::Host,
            of: Measure::CallRate,
            first: "app_single",
            second: "bare_chain",
            decimals: 2,
        }];
        const DOUBLED: &[Target] = &[TARGETS[0], TARGETS[0]];
        let table = Table {
            targets: DOUBLED,
            ..TABLE
        };
        let refused = check(&table).expect_err("refused");
        assert!(
            refused.contains("the target id `app_single` is declared twice"),
            "{refused}"
        );
        let table = Table {
            ratios: TWICE,
            ..TABLE
        };
        let refused = check(&table).expect_err("refused");
        assert!(
            refused.contains("`app_vs_bare_chain_c1` is declared twice"),
            "{refused}"
        );
    }
}
