//! Several periods of stage counts (a CRM funnel report): reading the
//! table a planner pastes or imports, checking it cell by cell, each
//! period's conversion rates with their uncertainty, and the evidence the
//! recent periods give for the model's rates.
//!
//! The table: rows are periods, columns are stages. An optional first row
//! of stage names (a header: no cell of it is a number) and an optional
//! first column of period labels (present when a row's first cell is not a
//! number, e.g. "2025-Q1"; a column of plain numbers such as years is read
//! as counts). Cells are separated by tabs (a spreadsheet's
//! copy), semicolons or commas (a CSV file; a "12,400" is then quoted), and
//! read with the count box's number rules: grouping commas, 万 / 亿 / k,
//! full-width digits.
//!
//! Counts are **by entry cohort** (the people who entered in that period,
//! followed to the end) or **flow** (what happened in the period). In a
//! cohort a stage can never hold more people than the stage before it; in
//! flow counts it can (earlier cohorts arrive), which is allowed and noted.

use funnelcast_engine::special::beta_quantile;

use crate::format::parse_number;

/// At most this many periods per table (two years of weeks).
pub const MAX_PERIODS: usize = 104;
/// A file larger than this is refused before it is read.
pub const MAX_BYTES: usize = 1_000_000;

/// How the counts were taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The people who entered in the period, followed through the stages.
    Cohort,
    /// What happened in the period, whoever entered when.
    Flow,
}

/// A table that was read: a label per period, the stages' names when the
/// table had a header, and the counts (a row per period, a count per stage).
#[derive(Clone, Debug, PartialEq)]
pub struct Periods {
    pub labels: Vec<String>,
    pub stages: Option<Vec<String>>,
    pub counts: Vec<Vec<f64>>,
}

/// Why a table was refused. Rows and columns are numbered as the user sees
/// them in what they pasted: from 1, the header and the label column
/// included.
#[derive(Clone, Debug, PartialEq)]
pub enum PeriodsError {
    /// No counts at all.
    Empty,
    /// More than [`MAX_PERIODS`] periods.
    TooMany { rows: usize },
    /// A row with another number of cells than the first.
    Ragged {
        row: usize,
        found: usize,
        expected: usize,
    },
    /// A cell that is not a number.
    NotANumber {
        row: usize,
        col: usize,
        text: String,
    },
    /// A negative count.
    Negative { row: usize, col: usize },
    /// In cohort counts, more people at a stage than at the one before.
    AboveBefore { row: usize, col: usize },
    /// Fewer than two stages: no rate to measure.
    OneStage,
    /// A file over [`MAX_BYTES`].
    TooBig { bytes: usize },
    /// A file that is not text.
    NotText,
}

/// A file's bytes as a table: refused when too large or not text (UTF-8,
/// with or without a byte-order mark, and no NUL bytes).
///
/// # Errors
/// As [`parse_periods`], and [`PeriodsError::TooBig`], [`PeriodsError::NotText`].
pub fn periods_from_bytes(bytes: &[u8], kind: Kind) -> Result<Periods, PeriodsError> {
    if bytes.len() > MAX_BYTES {
        return Err(PeriodsError::TooBig { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| PeriodsError::NotText)?;
    if text.contains('\0') {
        return Err(PeriodsError::NotText);
    }
    parse_periods(text.trim_start_matches('\u{feff}'), kind)
}

/// Reads a pasted table (see the module's description).
///
/// # Errors
/// The first problem found, naming its row and column; nothing is read
/// from a table with any.
pub fn parse_periods(text: &str, kind: Kind) -> Result<Periods, PeriodsError> {
    let text = text.replace('；', ";");
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first.contains('\t') {
        b'\t'
    } else if first.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // (line number from 1, its cells), blank lines left out.
    let mut rows: Vec<(usize, Vec<String>)> = vec![];
    for rec in reader.records() {
        let Ok(rec) = rec else {
            return Err(PeriodsError::NotText);
        };
        let line = rec.position().map_or(rows.len() + 1, |p| p.line() as usize);
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows.push((line, cells));
    }
    let Some((_, head)) = rows.first() else {
        return Err(PeriodsError::Empty);
    };
    // A header: no cell of the first row is a number.
    let header = head.iter().all(|c| parse_number(c).is_err());
    let header_cells = header.then(|| head.clone());
    let data = &rows[usize::from(header)..];
    if data.is_empty() {
        return Err(PeriodsError::Empty);
    }
    if data.len() > MAX_PERIODS {
        return Err(PeriodsError::TooMany { rows: data.len() });
    }
    let expected = header_cells.as_ref().map_or(data[0].1.len(), Vec::len);
    for (line, cells) in data {
        if cells.len() != expected {
            return Err(PeriodsError::Ragged {
                row: *line,
                found: cells.len(),
                expected,
            });
        }
    }
    // A label column: some row's first cell is not a number.
    let labelled = data.iter().any(|(_, c)| parse_number(&c[0]).is_err());
    let skip = usize::from(labelled);
    if expected - skip < 2 {
        return Err(PeriodsError::OneStage);
    }
    let mut counts = Vec::with_capacity(data.len());
    for (line, cells) in data {
        let mut row = Vec::with_capacity(expected - skip);
        for (j, cell) in cells.iter().enumerate().skip(skip) {
            let col = j + 1;
            let x = parse_number(cell).map_err(|_| PeriodsError::NotANumber {
                row: *line,
                col,
                text: cell.clone(),
            })?;
            if x < 0.0 {
                return Err(PeriodsError::Negative { row: *line, col });
            }
            if kind == Kind::Cohort && row.last().is_some_and(|&before| x > before) {
                return Err(PeriodsError::AboveBefore { row: *line, col });
            }
            row.push(x);
        }
        counts.push(row);
    }
    let labels = data
        .iter()
        .enumerate()
        .map(|(k, (_, c))| {
            if labelled {
                c[0].clone()
            } else {
                (k + 1).to_string()
            }
        })
        .collect();
    let stages = header_cells.map(|h| h[skip..].to_vec());
    Ok(Periods {
        labels,
        stages,
        counts,
    })
}

impl Periods {
    /// The number of stages (columns of counts).
    pub fn stages(&self) -> usize {
        self.counts.first().map_or(0, Vec::len)
    }

    /// In flow counts, where a stage holds more than the one before it
    /// (period, stage), both from 0: earlier cohorts arriving, which the
    /// page notes.
    pub fn above_before(&self) -> Vec<(usize, usize)> {
        let mut out = vec![];
        for (r, row) in self.counts.iter().enumerate() {
            for i in 1..row.len() {
                if row[i] > row[i - 1] {
                    out.push((r, i));
                }
            }
        }
        out
    }

    /// Period `r`'s rate into stage `i ≥ 1`: k / n with its 90 % interval,
    /// the 5 % and 95 % quantiles of Beta(1 + k, 1 + n − k) (a uniform
    /// prior, as the model's evidence rates). `None` when nobody reached
    /// the stage before, or (flow counts) more arrived than were there.
    pub fn rate(&self, r: usize, i: usize) -> Option<RateEstimate> {
        let row = self.counts.get(r)?;
        let (k, n) = (*row.get(i)?, *row.get(i.checked_sub(1)?)?);
        RateEstimate::of(k, n)
    }

    /// The evidence of the last `last` periods for the rate into stage
    /// `i`: their counts pooled, (k, n).
    pub fn pooled_window(&self, i: usize, last: usize) -> (f64, f64) {
        self.pooled(i, |age| if age < last { 1.0 } else { 0.0 })
    }

    /// The evidence of every period for the rate into stage `i`, period j
    /// ages back (0: the last) weighted by 0.5^(j / `half_life`): (k, n),
    /// fractional.
    pub fn pooled_half_life(&self, i: usize, half_life: f64) -> (f64, f64) {
        if half_life.is_nan() || half_life <= 0.0 {
            // No half-life: only the last period counts.
            return self.pooled_window(i, 1);
        }
        self.pooled(i, |age| 0.5f64.powf(age as f64 / half_life))
    }

    fn pooled(&self, i: usize, weight: impl Fn(usize) -> f64) -> (f64, f64) {
        let (mut k, mut n) = (0.0, 0.0);
        let rows = self.counts.len();
        if i == 0 {
            return (k, n);
        }
        for (r, row) in self.counts.iter().enumerate() {
            let w = weight(rows - 1 - r);
            if let (Some(&a), Some(&b)) = (row.get(i), row.get(i - 1)) {
                // Flow counts may hold more than the stage before: evidence
                // can never say more than all of them moved on.
                k += w * a.min(b);
                n += w * b;
            }
        }
        (k, n)
    }
}

/// A rate measured in one period, with its 90 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateEstimate {
    pub rate: f64,
    pub p5: f64,
    pub p95: f64,
}

impl RateEstimate {
    /// k of n moved on: k / n and the 5 % and 95 % quantiles of
    /// Beta(1 + k, 1 + n − k); `None` unless 0 ≤ k ≤ n and n > 0.
    pub fn of(k: f64, n: f64) -> Option<RateEstimate> {
        if !(n > 0.0 && (0.0..=n).contains(&k)) {
            return None;
        }
        let (a, b) = (1.0 + k, 1.0 + n - k);
        Some(RateEstimate {
            rate: k / n,
            p5: beta_quantile(a, b, 0.05),
            p95: beta_quantile(a, b, 0.95),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Periods {
        parse_periods(text, Kind::Cohort).unwrap_or_else(|e| panic!("{e:?} in {text:?}"))
    }

    #[test]
    fn a_spreadsheet_copy_with_a_header_and_labels() {
        let p = read(
            "Period\tLeads\tMQL\tSQL\n2025-Q1\t12,400\t3,050\t910\n2025-Q2\t11,800\t2,990\t880\n",
        );
        assert_eq!(p.labels, ["2025-Q1", "2025-Q2"]);
        assert_eq!(
            p.stages.as_deref(),
            Some(&["Leads".to_string(), "MQL".into(), "SQL".into()][..])
        );
        assert_eq!(p.counts[0], [12_400.0, 3_050.0, 910.0]);
        assert_eq!(p.stages(), 3);
    }

    #[test]
    fn semicolons_commas_units_and_full_width_digits() {
        // A CSV file: grouping inside quotes, a BOM, CRLF.
        let p = periods_from_bytes(
            "\u{feff}Leads,MQL,SQL\r\n\"12,400\",\"3,050\",910\r\n1.2万,3k,９００\r\n".as_bytes(),
            Kind::Cohort,
        )
        .unwrap();
        assert_eq!(
            p.counts,
            [[12_400.0, 3_050.0, 910.0], [12_000.0, 3_000.0, 900.0]]
        );
        assert_eq!(p.labels, ["1", "2"]);
        // Semicolons (a European spreadsheet's CSV), full-width too.
        let p = read("Jan;1000;250\nFeb；1200；300");
        assert_eq!(p.labels, ["Jan", "Feb"]);
        assert_eq!(p.counts[1], [1_200.0, 300.0]);
        assert_eq!(p.stages, None);
    }

    #[test]
    fn bad_tables_are_refused_naming_the_row_and_column() {
        let e = |t: &str| parse_periods(t, Kind::Cohort).unwrap_err();
        assert_eq!(
            e("a\tb\tc\n1\t2\n"),
            PeriodsError::Ragged {
                row: 2,
                found: 2,
                expected: 3
            }
        );
        assert_eq!(
            e("Q1\t100\t50\nQ2\t100\tlots\n"),
            PeriodsError::NotANumber {
                row: 2,
                col: 3,
                text: "lots".into()
            }
        );
        assert_eq!(e("100\t-5\n"), PeriodsError::Negative { row: 1, col: 2 });
        assert_eq!(
            e("Leads\tWon\n100\t50\n100\t150\n"),
            PeriodsError::AboveBefore { row: 3, col: 2 }
        );
        assert_eq!(e(""), PeriodsError::Empty);
        assert_eq!(e("Leads\tWon\n"), PeriodsError::Empty);
        assert_eq!(e("Q1\t100\nQ2\t90\n"), PeriodsError::OneStage);
        let many: String = (0..105).map(|k| format!("{}\t10\n", 100 + k)).collect();
        assert_eq!(e(&many), PeriodsError::TooMany { rows: 105 });
        let ok: String = (0..104).map(|k| format!("{}\t10\n", 100 + k)).collect();
        assert_eq!(read(&ok).counts.len(), 104);
        assert_eq!(
            periods_from_bytes(&vec![b'1'; MAX_BYTES + 1], Kind::Cohort),
            Err(PeriodsError::TooBig {
                bytes: MAX_BYTES + 1
            })
        );
        assert_eq!(
            periods_from_bytes(b"\x89PNG\r\n\x1a\n\0\0", Kind::Cohort),
            Err(PeriodsError::NotText)
        );
        assert_eq!(
            periods_from_bytes(&[0xff, 0xfe, 0x31], Kind::Cohort),
            Err(PeriodsError::NotText)
        );
    }

    /// Flow counts may rise from one stage to the next (earlier cohorts
    /// arrive): read, and noted where.
    #[test]
    fn flow_counts_above_the_stage_before_are_read_and_noted() {
        let p = parse_periods("Leads\tWon\n100\t50\n100\t150\n", Kind::Flow).unwrap();
        assert_eq!(p.above_before(), [(1, 1)]);
        assert_eq!(p.rate(1, 1), None, "no rate from 150 of 100");
        // Pooled, the evidence says at most "all of them".
        assert_eq!(p.pooled_window(1, 2), (150.0, 200.0));
    }

    /// The 90 % interval is Beta(1 + k, 1 + n − k)'s, checked against
    /// statrs's inverse CDF; a Beta(k, n − k) (no prior) differs and fails.
    #[test]
    #[cfg(not(target_arch = "wasm32"))] // statrs is a native dev-dependency
    fn a_period_rate_interval_is_the_beta_posteriors() {
        use statrs::distribution::{Beta, ContinuousCDF};
        for (k, n) in [
            (910.0, 3050.0),
            (3.0, 10.0),
            (0.0, 25.0),
            (25.0, 25.0),
            (1.0, 2.0),
        ] {
            let r = RateEstimate::of(k, n).unwrap();
            let law = Beta::new(1.0 + k, 1.0 + n - k).unwrap();
            for (q, got) in [(0.05, r.p5), (0.95, r.p95)] {
                let want = law.inverse_cdf(q);
                assert!((got - want).abs() < 1e-7, "{k}/{n} q{q}: {got} vs {want}");
            }
            assert_eq!(r.rate, k / n);
            assert!(0.0 < r.p5 && r.p5 < r.p95 && r.p95 < 1.0, "{r:?}");
            if k > 0.0 && k < n {
                let wrong = Beta::new(k, n - k).unwrap().inverse_cdf(0.05);
                assert!((r.p5 - wrong).abs() > 1e-6, "{k}/{n}: the prior matters");
            }
        }
        assert_eq!(RateEstimate::of(5.0, 0.0), None);
        assert_eq!(RateEstimate::of(6.0, 5.0), None);
    }

    #[test]
    fn evidence_pools_the_last_periods_or_weighs_them_by_age() {
        let p = read("100\t30\n200\t50\n400\t100\n");
        assert_eq!(p.pooled_window(1, 1), (100.0, 400.0));
        assert_eq!(p.pooled_window(1, 2), (150.0, 600.0));
        assert_eq!(p.pooled_window(1, 99), (180.0, 700.0));
        // Half-life 1: the last at weight 1, the one before at ½, then ¼.
        let (k, n) = p.pooled_half_life(1, 1.0);
        assert!((k - (100.0 + 25.0 + 7.5)).abs() < 1e-12, "{k}");
        assert!((n - (400.0 + 100.0 + 25.0)).abs() < 1e-12, "{n}");
        // A long half-life tends to the plain sum.
        let (k, n) = p.pooled_half_life(1, 1e9);
        assert!((k - 180.0).abs() < 1e-6 && (n - 700.0).abs() < 1e-6);
        assert_eq!(
            p.pooled_window(0, 3),
            (0.0, 0.0),
            "no rate into the first stage"
        );
    }
}
