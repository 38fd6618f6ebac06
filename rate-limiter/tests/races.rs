//! Charges from replicas whose clocks, or whose links to the store, differ:
//! the real counting, run over a store in memory by a scheduler that decides
//! when each store operation lands.
//!
//! Each charge reads its clock (its apparent time) and starts later than
//! that by its replica's skew (a clock behind); each of its store
//! operations then takes its replica's link delay at most, one after the
//! other, as over a slow link. Every charge runs on a thread of its own, but only
//! one thread moves at a time: the one whose operation the scheduler lets
//! land next, in order of landing time. Each scenario is drawn from a seed,
//! so a failure names the seed that replays it.

use rate_limiter::{count, Charge, MemoryStore, Store, StoreError, Verdict, Window};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

const LIMIT: u64 = 5;
const WINDOW_MS: u64 = 1000;
const KEY: &str = "t";

/// A small deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1)
    }

    fn within(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }
}

/// One charge of the scenario.
#[derive(Debug, Clone, Copy)]
struct Planned {
    /// What its clock read.
    apparent_ms: u64,
    /// How far its replica's clock is behind.
    skew_ms: u64,
    /// The most each store operation of its replica takes to land.
    link_ms: u64,
    calls: u64,
}

impl Planned {
    fn starts_at(&self) -> u64 {
        self.apparent_ms + self.skew_ms
    }
}

/// What a charge's thread tells the scheduler.
enum Report {
    /// It waits to run a store operation.
    Waits(usize),
    /// It is done.
    Counted(usize, Verdict),
}

/// The store as one charge sees it: each operation waits for its turn.
struct Turns {
    charge: usize,
    report: Sender<Report>,
    turn: Receiver<()>,
    store: Arc<Mutex<MemoryStore>>,
}

impl Turns {
    fn land<T>(&mut self, operation: impl FnOnce(&mut MemoryStore) -> T) -> T {
        self.report
            .send(Report::Waits(self.charge))
            .expect("the scheduler");
        self.turn.recv().expect("a turn");
        operation(&mut self.store.lock().expect("the store"))
    }
}

impl Store for Turns {
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
        self.land(|store| store.increment(key, delta))
    }
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.land(|store| store.get(key))
    }
    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.land(|store| store.set(key, value))
    }
    fn delete(&mut self, key: &str) -> Result<(), StoreError> {
        self.land(|store| store.delete(key))
    }
    fn exists(&mut self, key: &str) -> Result<bool, StoreError> {
        self.land(|store| store.exists(key))
    }
}

/// Runs the charges, each operation landing at a moment the generator draws
/// within its link delay; returns each charge's verdict.
fn run(planned: &[Planned], store: &Arc<Mutex<MemoryStore>>, random: &mut Random) -> Vec<Verdict> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Event {
        Start(usize),
        Land(usize),
    }
    let (report, reports) = channel();
    let mut turns: Vec<Option<Sender<()>>> = planned.iter().map(|_| None).collect();
    let mut last_landed: Vec<u64> = planned.iter().map(Planned::starts_at).collect();
    // Each opening of the store is a `PING` first, as Spin sends it.
    let mut operations = vec![1; planned.len()];
    let mut verdicts: Vec<Option<Verdict>> = planned.iter().map(|_| None).collect();
    let mut events = BinaryHeap::new();
    for (index, charge) in planned.iter().enumerate() {
        events.push(Reverse((charge.starts_at(), Event::Start(index))));
    }
    let mut threads = Vec::new();
    while let Some(Reverse((now, event))) = events.pop() {
        match event {
            Event::Start(index) => {
                let (turn, turned) = channel();
                turns[index] = Some(turn);
                let mut view = Turns {
                    charge: index,
                    report: report.clone(),
                    turn: turned,
                    store: store.clone(),
                };
                let charge = Charge {
                    key: KEY.into(),
                    calls: planned[index].calls,
                    limit: LIMIT,
                    window_ms: WINDOW_MS,
                };
                let apparent_ms = planned[index].apparent_ms;
                let report = report.clone();
                threads.push(std::thread::spawn(move || {
                    let verdict = count(&mut view, &charge, apparent_ms);
                    let _ = report.send(Report::Counted(index, verdict));
                }));
            }
            Event::Land(index) => {
                let turn = turns[index].as_ref().expect("a started charge");
                turn.send(()).expect("a waiting charge");
            }
        }
        // Only the thread just started or let go moves: wait for it.
        match reports.recv().expect("a report") {
            Report::Waits(index) => {
                let plan = planned[index];
                operations[index] += 1;
                let earliest = plan.starts_at() + (operations[index] - 1) * plan.link_ms;
                let latest = plan.starts_at() + operations[index] * plan.link_ms;
                let landing = random.within(now.max(last_landed[index]).max(earliest), latest);
                last_landed[index] = landing;
                events.push(Reverse((landing, Event::Land(index))));
            }
            Report::Counted(index, verdict) => verdicts[index] = Some(verdict),
        }
    }
    for thread in threads {
        thread.join().expect("a charge's thread");
    }
    verdicts
        .into_iter()
        .map(|verdict| verdict.expect("every charge counted"))
        .collect()
}

/// `charges` charges of three replicas over six windows, each replica's
/// skew and link delay drawn below the bounds.
fn scenario(random: &mut Random, charges: u64, max_skew_ms: u64, max_link_ms: u64) -> Vec<Planned> {
    let replicas: Vec<(u64, u64)> = (0..3)
        .map(|_| (random.below(max_skew_ms + 1), random.below(max_link_ms + 1)))
        .collect();
    let mut planned: Vec<Planned> = (0..charges)
        .map(|_| {
            let (skew_ms, link_ms) = replicas[random.below(3) as usize];
            Planned {
                apparent_ms: 10 * WINDOW_MS + random.below(6 * WINDOW_MS),
                skew_ms,
                link_ms,
                calls: random.within(1, 3),
            }
        })
        .collect();
    planned.sort_by_key(|charge| charge.apparent_ms);
    planned
}

fn allowed(verdict: &Verdict) -> u64 {
    match verdict {
        Verdict::Counted { allowed, .. } => *allowed,
        Verdict::StoreFailed(why) => panic!("a store in memory failed: {why}"),
    }
}

/// The indices of the windows whose counts are in the store.
fn windows_kept(store: &MemoryStore) -> Vec<u64> {
    let prefix = format!("rate-limit/{KEY}/{WINDOW_MS}/");
    store
        .entries
        .keys()
        .filter_map(|key| key.strip_prefix(&prefix)?.parse().ok())
        .collect()
}

/// One more charge, ten windows after the last: the store then keeps its
/// window's count and the records of the windows opened, nothing a race
/// left behind.
fn after_a_pause_only_the_new_window_is_kept(store: &Arc<Mutex<MemoryStore>>, seed: u64) {
    let mut store = store.lock().expect("the store");
    let last = windows_kept(&store).into_iter().max().unwrap_or(0);
    let later = (last + 10) * WINDOW_MS;
    let charge = Charge {
        key: KEY.into(),
        calls: 1,
        limit: LIMIT,
        window_ms: WINDOW_MS,
    };
    assert_eq!(
        allowed(&count(&mut *store, &charge, later)),
        1,
        "seed {seed}"
    );
    assert_eq!(windows_kept(&store), [last + 10], "seed {seed}");
    let records = store.entries.keys().filter(|key| key.contains("/opened/"));
    assert_eq!(records.count() + 1, store.entries.len(), "seed {seed}");
}

/// Skews and link delays such that a count lands within the window of its
/// clock's reading (a store `PING`, as Spin sends on every opening, and the
/// increment: under 0.4 + 2 × 0.3 of a window), while an opening's last
/// operations may land more than two windows late: the 700 ms a command of
/// a slow link in a window of 2 s.
#[test]
fn replicas_whose_clocks_and_links_differ_count_each_window_exactly_and_leave_nothing_behind() {
    for seed in 1..=240u64 {
        let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // Many charges fill windows; few leave windows for slow replicas to
        // open.
        let charges = [40, 12][seed as usize % 2];
        let bounds = [(0, 0), (0, 300), (390, 0), (390, 300)];
        let (max_skew_ms, max_link_ms) = bounds[seed as usize / 2 % 4];
        let planned = scenario(&mut random, charges, max_skew_ms, max_link_ms);
        let store = Arc::new(Mutex::new(MemoryStore::default()));
        let verdicts = run(&planned, &store, &mut random);

        // Each window lets through exactly its first LIMIT calls, however
        // late its charges landed: no window was ever counted from zero
        // again.
        let mut windows: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        for (charge, verdict) in planned.iter().zip(&verdicts) {
            let window = Window::containing(charge.apparent_ms, WINDOW_MS).index;
            let (charged, ran) = windows.entry(window).or_default();
            *charged += charge.calls;
            *ran += allowed(verdict);
        }
        for (window, (charged, ran)) in &windows {
            assert_eq!(
                *ran,
                (*charged).min(LIMIT),
                "seed {seed}, skew {max_skew_ms} ms, link {max_link_ms} ms: window {window}"
            );
        }
        // The last window and the one before are kept, nothing older.
        let store_now = store.lock().expect("the store");
        let newest = *windows.keys().max().expect("a window");
        for kept in windows_kept(&store_now) {
            assert!(kept + 1 >= newest, "seed {seed}: window {kept} kept");
        }
        drop(store_now);
        after_a_pause_only_the_new_window_is_kept(&store, seed);
    }
}
