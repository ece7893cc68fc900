//! The document's JSON, read and written by hand.
//!
//! Why not serde_json with serde's derived code: for the document's types
//! that came to 52 KB gzip of the page's first load (measured by building
//! the page without it: 487 → 434 KB), a seventh of the whole, on a page
//! whose budget is 350 KB on bad Wi-Fi. This module is a few KB. The native
//! tests check it against serde_json both ways (`tests` below), so the two
//! read and write the same documents.
//!
//! Reading validates the whole text once ([`Val::parse`]: strict RFC 8259
//! JSON, nesting at most [`MAX_DEPTH`] deep), then reads each value from
//! its slice of the text: no tree is built, so a hostile text costs no more
//! memory than the document it describes. As with serde's derived code:
//! unknown fields are ignored, a known field twice is refused, a missing
//! `Option` field is `None`, and integers must be written as integers.
//! A struct's fields are declared once (`json_struct!`), and all of that
//! follows from the declaration; the enums tagged by `"kind"` are written
//! by hand (each kind reads its own subset of the fields, which a list of
//! fields would not say more briefly).
//! Numbers are read by `format::decimal_to_f64` (in the browser, JavaScript's
//! correctly rounded `parseFloat`; natively, the standard library's parser:
//! the same bits, tests/decimals.rs) and written by `numtext::debug` in the
//! shortest form that reads back to the same bits, so a link gives the same
//! digits everywhere.

use core::fmt::Write as _;

use funnelcast_engine::{
    DealSpec, GoalLever, Lever, Model, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
};

use super::{Document, Goal, Period, PresetId, Scenario, Segment};
use crate::format::Currency;
use crate::names::{Label, NameKey};

/// Deepest nesting read (the document itself is 5 deep).
pub const MAX_DEPTH: usize = 32;

/// One JSON value: the slice of the text that holds it, already validated.
#[derive(Clone, Copy, Debug)]
pub struct Val<'a> {
    text: &'a str,
}

/// What a decode error says (for the console: the page words it itself).
pub type JsonError = String;

/// A type's JSON form, written.
pub trait ToJson {
    fn write(&self, out: &mut String);
}

/// A type's JSON form, read.
pub trait FromJson: Sized {
    /// # Errors
    /// A value of another shape.
    fn read(v: Val<'_>) -> Result<Self, JsonError>;

    /// The value of a field that is absent: an error, except for an
    /// `Option` (`None`), as serde's derived code reads them.
    ///
    /// # Errors
    /// The field is required.
    fn missing(name: &str) -> Result<Self, JsonError> {
        Err(missing_field(name))
    }
}

/// Not generic, so the message is compiled once for all types.
fn missing_field(name: &str) -> JsonError {
    format!("missing field `{name}`")
}

/// `value` as JSON text.
pub fn to_text<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write(&mut out);
    out
}

/// Reads `T` from a whole JSON text.
///
/// # Errors
/// Not JSON, or not a `T`.
pub fn from_text<T: FromJson>(text: &str) -> Result<T, JsonError> {
    T::read(Val::parse(text)?)
}

// --- Reading ------------------------------------------------------------------

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn err_at(what: &str, i: usize) -> JsonError {
    format!("{what} at byte {i}")
}

/// The end of the value starting at `i` (no leading whitespace), checking
/// its syntax.
fn skip(b: &[u8], i: usize, depth: usize) -> Result<usize, JsonError> {
    match b.get(i) {
        None => Err(err_at("unexpected end", i)),
        Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => Err(err_at("nested too deep", i)),
        Some(b'{') => {
            let mut j = ws(b, i + 1);
            if b.get(j) == Some(&b'}') {
                return Ok(j + 1);
            }
            loop {
                if b.get(j) != Some(&b'"') {
                    return Err(err_at("expected a key", j));
                }
                j = ws(b, skip_string(b, j)?);
                if b.get(j) != Some(&b':') {
                    return Err(err_at("expected ':'", j));
                }
                j = ws(b, skip(b, ws(b, j + 1), depth + 1)?);
                match b.get(j) {
                    Some(b',') => j = ws(b, j + 1),
                    Some(b'}') => return Ok(j + 1),
                    _ => return Err(err_at("expected ',' or '}'", j)),
                }
            }
        }
        Some(b'[') => {
            let mut j = ws(b, i + 1);
            if b.get(j) == Some(&b']') {
                return Ok(j + 1);
            }
            loop {
                j = ws(b, skip(b, j, depth + 1)?);
                match b.get(j) {
                    Some(b',') => j = ws(b, j + 1),
                    Some(b']') => return Ok(j + 1),
                    _ => return Err(err_at("expected ',' or ']'", j)),
                }
            }
        }
        Some(b'"') => skip_string(b, i),
        Some(b'-' | b'0'..=b'9') => skip_number(b, i),
        Some(_) => {
            for word in ["true", "false", "null"] {
                if b[i..].starts_with(word.as_bytes()) {
                    return Ok(i + word.len());
                }
            }
            Err(err_at("expected a value", i))
        }
    }
}

fn digits(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn skip_number(b: &[u8], i: usize) -> Result<usize, JsonError> {
    let mut j = i + usize::from(b.get(i) == Some(&b'-'));
    match b.get(j) {
        Some(b'0') => j += 1,
        Some(b'1'..=b'9') => j = digits(b, j),
        _ => return Err(err_at("expected a digit", j)),
    }
    if b.get(j) == Some(&b'.') {
        let k = digits(b, j + 1);
        if k == j + 1 {
            return Err(err_at("expected a digit", k));
        }
        j = k;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let k = digits(b, j);
        if k == j {
            return Err(err_at("expected a digit", k));
        }
        j = k;
    }
    Ok(j)
}

fn hex4(b: &[u8], i: usize) -> Result<u32, JsonError> {
    let h = b.get(i..i + 4).ok_or_else(|| err_at("unexpected end", i))?;
    let h = core::str::from_utf8(h).map_err(|_| err_at("bad escape", i))?;
    u32::from_str_radix(h, 16).map_err(|_| err_at("bad escape", i))
}

/// Walks the string starting at `i` (its opening quote), handing each
/// character to `put` when given; returns the index after the closing quote.
fn walk_string(b: &[u8], i: usize, mut put: Option<&mut String>) -> Result<usize, JsonError> {
    let mut j = i + 1;
    loop {
        let start = j;
        while j < b.len() && b[j] != b'"' && b[j] != b'\\' && b[j] >= 0x20 {
            j += 1;
        }
        if let Some(out) = put.as_deref_mut() {
            // Between escapes the bytes are the input's own, valid UTF-8.
            out.push_str(core::str::from_utf8(&b[start..j]).map_err(|_| err_at("bad UTF-8", j))?);
        }
        match b.get(j) {
            None => return Err(err_at("unterminated string", j)),
            Some(b'"') => return Ok(j + 1),
            Some(b'\\') => {
                let c = match b.get(j + 1) {
                    Some(b'"') => '"',
                    Some(b'\\') => '\\',
                    Some(b'/') => '/',
                    Some(b'b') => '\u{8}',
                    Some(b'f') => '\u{c}',
                    Some(b'n') => '\n',
                    Some(b'r') => '\r',
                    Some(b't') => '\t',
                    Some(b'u') => {
                        let hi = hex4(b, j + 2)?;
                        j += 4;
                        let code = if (0xD800..0xDC00).contains(&hi) {
                            // A high surrogate must be followed by a low one.
                            if b.get(j + 2..j + 4) != Some(b"\\u") {
                                return Err(err_at("lone surrogate", j));
                            }
                            let lo = hex4(b, j + 4)?;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return Err(err_at("lone surrogate", j));
                            }
                            j += 6;
                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        } else {
                            hi
                        };
                        char::from_u32(code).ok_or_else(|| err_at("lone surrogate", j))?
                    }
                    _ => return Err(err_at("bad escape", j)),
                };
                if let Some(out) = put.as_deref_mut() {
                    out.push(c);
                }
                j += 2;
            }
            Some(_) => return Err(err_at("control character in a string", j)),
        }
    }
}

fn skip_string(b: &[u8], i: usize) -> Result<usize, JsonError> {
    walk_string(b, i, None)
}

impl<'a> Val<'a> {
    /// Checks that `text` is one JSON value (whitespace around it allowed).
    ///
    /// # Errors
    /// Where and why it is not.
    pub fn parse(text: &'a str) -> Result<Val<'a>, JsonError> {
        let b = text.as_bytes();
        let start = ws(b, 0);
        let end = skip(b, start, 0)?;
        if ws(b, end) != b.len() {
            return Err(err_at("trailing characters", end));
        }
        Ok(Val {
            text: &text[start..end],
        })
    }

    /// The value's own text.
    pub fn text(self) -> &'a str {
        self.text
    }

    pub fn is_null(self) -> bool {
        self.text == "null"
    }

    fn sub(self, from: usize, to: usize) -> Val<'a> {
        Val {
            text: &self.text[from..to],
        }
    }

    /// Calls `f` with each key and value of an object, in order.
    ///
    /// # Errors
    /// Not an object, or what `f` says.
    pub fn each_entry(
        self,
        mut f: impl FnMut(&str, Val<'a>) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        let b = self.text.as_bytes();
        if b.first() != Some(&b'{') {
            return Err(format!("expected an object, found {}", self.kind()));
        }
        let mut j = ws(b, 1);
        let mut key = String::new();
        while b.get(j) == Some(&b'"') {
            key.clear();
            let after = walk_string(b, j, Some(&mut key))?;
            let v0 = ws(b, ws(b, after) + 1);
            let v1 = skip(b, v0, 0)?;
            f(&key, self.sub(v0, v1))?;
            j = ws(b, ws(b, v1) + 1);
        }
        Ok(())
    }

    /// The values of the fields `names` (`None` where absent); other fields
    /// are ignored, a named field twice is refused.
    ///
    /// # Errors
    /// Not an object, or a field twice.
    #[inline]
    pub fn fields<const N: usize>(
        self,
        names: [&str; N],
    ) -> Result<[Option<Val<'a>>; N], JsonError> {
        let mut found = [None; N];
        self.fields_into(&names, &mut found)?;
        Ok(found)
    }

    /// [`Val::fields`] for any number of names, compiled once (the
    /// generic one would be compiled once per number of fields).
    fn fields_into(self, names: &[&str], found: &mut [Option<Val<'a>>]) -> Result<(), JsonError> {
        self.each_entry(|key, v| {
            if let Some(k) = names.iter().position(|n| *n == key) {
                if found[k].is_some() {
                    return Err(format!("duplicate field `{key}`"));
                }
                found[k] = Some(v);
            }
            Ok(())
        })
    }

    /// Calls `f` with each item of an array, in order.
    ///
    /// # Errors
    /// Not an array, or what `f` says.
    pub fn each_item(
        self,
        mut f: impl FnMut(Val<'a>) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        let b = self.text.as_bytes();
        if b.first() != Some(&b'[') {
            return Err(format!("expected an array, found {}", self.kind()));
        }
        let mut j = ws(b, 1);
        while b.get(j) != Some(&b']') && j < b.len() {
            let end = skip(b, j, 0)?;
            f(self.sub(j, end))?;
            j = ws(b, ws(b, end) + 1);
        }
        Ok(())
    }

    /// A string's contents, escapes resolved.
    ///
    /// # Errors
    /// Not a string.
    pub fn string(self) -> Result<String, JsonError> {
        if !self.text.starts_with('"') {
            return Err(format!("expected a string, found {}", self.kind()));
        }
        let mut out = String::new();
        walk_string(self.text.as_bytes(), 0, Some(&mut out))?;
        Ok(out)
    }

    /// A number's text, if the value is a number.
    fn number(self) -> Option<&'a str> {
        self.text
            .starts_with(|c: char| c == '-' || c.is_ascii_digit())
            .then_some(self.text)
    }

    /// An unsigned integer written as one (no fraction, no exponent).
    ///
    /// # Errors
    /// Anything else, or more than `u64::MAX`.
    pub fn u64(self) -> Result<u64, JsonError> {
        match self.number() {
            // serde_json reads "-0" as the integer 0, which fits: so do we.
            Some("-0") => Ok(0),
            Some(t) if t.bytes().all(|c| c.is_ascii_digit()) => crate::format::parse_whole(t)
                .map_err(|_| format!("{t} is out of range for an unsigned integer")),
            _ => Err(format!(
                "expected an unsigned integer, found {}",
                self.kind()
            )),
        }
    }

    /// A finite number.
    ///
    /// # Errors
    /// Not a number, or too large for `f64`.
    pub fn f64(self) -> Result<f64, JsonError> {
        let t = self
            .number()
            .ok_or_else(|| format!("expected a number, found {}", self.kind()))?;
        // The grammar was checked on parsing, and it is a subset of
        // `decimal_to_f64`'s.
        match crate::format::decimal_to_f64(t) {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(format!("{t} is out of range")),
        }
    }

    /// What the value is, for messages.
    fn kind(self) -> &'static str {
        match self.text.as_bytes().first() {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => "a number",
        }
    }
}

/// A field's value, or [`FromJson::missing`]'s when it is absent.
fn field<T: FromJson>(v: Option<Val<'_>>, name: &str) -> Result<T, JsonError> {
    match v {
        Some(v) => T::read(v).map_err(|e| format!("{name}: {e}")),
        None => T::missing(name),
    }
}

/// A field added after documents without it were written: `default` (what
/// those documents meant) when it is absent.
fn field_or<T: FromJson>(v: Option<Val<'_>>, name: &str, default: T) -> Result<T, JsonError> {
    match v {
        Some(_) => field(v, name),
        None => Ok(default),
    }
}

/// The `kind` of an internally tagged enum.
fn kind(v: Option<Val<'_>>) -> Result<String, JsonError> {
    field::<String>(v, "kind")
}

fn unknown(what: &str, found: &str) -> JsonError {
    format!("unknown {what} `{found}`")
}

// --- Writing ------------------------------------------------------------------

/// `s` as a JSON string: quotes, backslashes and control characters escaped
/// (as serde_json does); everything else as it is, in UTF-8.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `{"k1":v1,"k2":v2,...}` (keys are plain ASCII).
macro_rules! object {
    ($out:expr; $($key:literal => $val:expr),+ $(,)?) => {{
        let out: &mut String = $out;
        let mut sep = '{';
        $(
            out.push(sep);
            out.push_str(concat!("\"", $key, "\":"));
            ToJson::write($val, out);
            #[allow(unused_assignments)]
            { sep = ','; }
        )+
        out.push('}');
    }};
}

/// A struct's JSON form, declared once: its fields in the order they are
/// written, each `name` (its key is its name; absent, it is an error, or
/// `None` for an `Option`) or `name = default` (absent, it is `default`:
/// for a field added after documents without it were written, the value
/// those documents meant), or `name = default => is_default` (also left
/// out when written while `is_default(&value)`: a later feature's field,
/// so documents that do not use it keep their bytes). Writing and reading follow from the one list,
/// and the rest from the shared code both use: unknown fields ignored and a
/// known field twice refused ([`Val::fields`]), integers only as integers
/// (the field types' own `FromJson`).
///
/// Adding a field is then one line here beside the struct's own: reading
/// builds the struct with every field named, so one left out of the list
/// does not compile. The code is what was written by hand before, field by
/// field: a few pushes to write, one call of the shared non-generic field
/// loop and one small call per field to read.
macro_rules! json_struct {
    ($ty:ty { $($name:ident $(= $default:expr $(=> $skip:path)?)?),+ $(,)? }) => {
        impl ToJson for $ty {
            fn write(&self, out: &mut String) {
                let mut sep = '{';
                $(
                    json_struct!(@write self, out, sep, $name $($(=> $skip)?)?);
                )+
                // An object whose every field was left out.
                if sep == '{' {
                    out.push('{');
                }
                out.push('}');
            }
        }

        impl FromJson for $ty {
            fn read(v: Val<'_>) -> Result<Self, JsonError> {
                let [$($name),+] = v.fields([$(stringify!($name)),+])?;
                Ok(Self {
                    $($name: json_struct!(@read $name $(= $default)?),)+
                })
            }
        }
    };
    (@write $self:ident, $out:ident, $sep:ident, $name:ident) => {
        $out.push($sep);
        $out.push_str(concat!("\"", stringify!($name), "\":"));
        ToJson::write(&$self.$name, $out);
        #[allow(unused_assignments)]
        {
            $sep = ',';
        }
    };
    // `name = default => skip`: left out when `skip` says it holds its
    // default, so a document that does not use a later feature keeps the
    // bytes it had before the feature (and opens in pages older than it).
    (@write $self:ident, $out:ident, $sep:ident, $name:ident => $skip:path) => {
        if !$skip(&$self.$name) {
            json_struct!(@write $self, $out, $sep, $name);
        }
    };
    (@read $name:ident) => {
        field($name, stringify!($name))?
    };
    (@read $name:ident = $default:expr) => {
        field_or($name, stringify!($name), $default)?
    };
}

// --- Primitives ---------------------------------------------------------------

impl ToJson for f64 {
    fn write(&self, out: &mut String) {
        if self.is_finite() {
            // Debug: the shortest text that reads back to these bits, with
            // a ".0" or an exponent (valid JSON either way).
            out.push_str(&crate::numtext::debug(*self));
        } else {
            // As serde_json: JSON has no infinities; decoding refuses it.
            out.push_str("null");
        }
    }
}

impl FromJson for f64 {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        v.f64()
    }
}

impl ToJson for u64 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl FromJson for u64 {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        v.u64()
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl FromJson for bool {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        match v.text() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("expected true or false, found {}", v.kind())),
        }
    }
}

impl ToJson for u32 {
    fn write(&self, out: &mut String) {
        u64::from(*self).write(out);
    }
}

impl FromJson for u32 {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let n = v.u64()?;
        u32::try_from(n).map_err(|_| format!("{n} is out of range for u32"))
    }
}

impl ToJson for usize {
    fn write(&self, out: &mut String) {
        (*self as u64).write(out);
    }
}

impl FromJson for usize {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let n = v.u64()?;
        usize::try_from(n).map_err(|_| format!("{n} is out of range for usize"))
    }
}

impl ToJson for str {
    fn write(&self, out: &mut String) {
        write_str(self, out);
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        write_str(self, out);
    }
}

impl FromJson for String {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        v.string()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(x) => x.write(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        if v.is_null() {
            Ok(None)
        } else {
            T::read(v).map(Some)
        }
    }

    fn missing(_: &str) -> Result<Self, JsonError> {
        Ok(None)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        out.push('[');
        for (i, x) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            x.write(out);
        }
        out.push(']');
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let mut items = Vec::new();
        v.each_item(|item| {
            items.push(T::read(item)?);
            Ok(())
        })?;
        Ok(items)
    }
}

/// A unit-like enum written as one of its codes.
macro_rules! by_code {
    ($ty:ty, $what:literal, $code:expr, $from:expr) => {
        impl ToJson for $ty {
            fn write(&self, out: &mut String) {
                write_str($code(*self), out);
            }
        }

        impl FromJson for $ty {
            fn read(v: Val<'_>) -> Result<Self, JsonError> {
                let s = v.string()?;
                $from(&s).ok_or_else(|| unknown($what, &s))
            }
        }
    };
}

by_code!(PresetId, "preset", PresetId::code, PresetId::from_code);
by_code!(NameKey, "name key", NameKey::code, NameKey::from_code);
by_code!(Currency, "currency", Currency::code, Currency::from_code);
by_code!(Period, "period", Period::code, Period::from_code);

// --- The document's types -----------------------------------------------------

/// `{"key": code}` or `{"text": "…"}`: exactly one of the two.
impl ToJson for Label {
    fn write(&self, out: &mut String) {
        match self {
            Label::Key(k) => object!(out; "key" => k),
            Label::Text(t) => object!(out; "text" => t),
        }
    }
}

impl FromJson for Label {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let mut entries = 0;
        v.each_entry(|_, _| {
            entries += 1;
            Ok(())
        })?;
        match (entries, v.fields(["key", "text"])?) {
            (1, [Some(k), None]) => NameKey::read(k).map(Label::Key),
            (1, [None, Some(t)]) => t.string().map(Label::Text),
            _ => Err("a name is {\"key\": …} or {\"text\": …}".into()),
        }
    }
}

impl ToJson for VolumeSpec {
    fn write(&self, out: &mut String) {
        match self {
            VolumeSpec::Fixed { value } => object!(out; "kind" => "fixed", "value" => value),
            VolumeSpec::Range { low, high } => {
                object!(out; "kind" => "range", "low" => low, "high" => high)
            }
        }
    }
}

impl FromJson for VolumeSpec {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let [k, value, low, high] = v.fields(["kind", "value", "low", "high"])?;
        match kind(k)?.as_str() {
            "fixed" => Ok(VolumeSpec::Fixed {
                value: field(value, "value")?,
            }),
            "range" => Ok(VolumeSpec::Range {
                low: field(low, "low")?,
                high: field(high, "high")?,
            }),
            other => Err(unknown("volume kind", other)),
        }
    }
}

impl ToJson for RateSpec {
    fn write(&self, out: &mut String) {
        match self {
            RateSpec::Fixed { value } => object!(out; "kind" => "fixed", "value" => value),
            RateSpec::Evidence { k, n } => {
                object!(out; "kind" => "evidence", "k" => k, "n" => n)
            }
            RateSpec::Range { low, high } => {
                object!(out; "kind" => "range", "low" => low, "high" => high)
            }
        }
    }
}

impl FromJson for RateSpec {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let [kd, value, k, n, low, high] = v.fields(["kind", "value", "k", "n", "low", "high"])?;
        match kind(kd)?.as_str() {
            "fixed" => Ok(RateSpec::Fixed {
                value: field(value, "value")?,
            }),
            "evidence" => Ok(RateSpec::Evidence {
                k: field(k, "k")?,
                n: field(n, "n")?,
            }),
            "range" => Ok(RateSpec::Range {
                low: field(low, "low")?,
                high: field(high, "high")?,
            }),
            other => Err(unknown("rate kind", other)),
        }
    }
}

json_struct!(DealSpec { mean, cv });

json_struct!(SegmentSpec {
    volume,
    rates,
    deal
});

/// `"all"` or `{"segment": g}`.
impl ToJson for Scope {
    fn write(&self, out: &mut String) {
        match self {
            Scope::All => out.push_str("\"all\""),
            Scope::Segment(g) => object!(out; "segment" => g),
        }
    }
}

impl FromJson for Scope {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        if v.text().starts_with('"') {
            return match v.string()?.as_str() {
                "all" => Ok(Scope::All),
                other => Err(unknown("scope", other)),
            };
        }
        let [g] = v.fields(["segment"])?;
        Ok(Scope::Segment(field(g, "segment")?))
    }
}

impl ToJson for Lever {
    fn write(&self, out: &mut String) {
        match self {
            Lever::Volume { frac } => object!(out; "kind" => "volume", "frac" => frac),
            Lever::RatePoints { stage, points } => {
                object!(out; "kind" => "rate_points", "stage" => stage, "points" => points)
            }
            Lever::RateRelative { stage, frac } => {
                object!(out; "kind" => "rate_relative", "stage" => stage, "frac" => frac)
            }
            Lever::Deal { frac } => object!(out; "kind" => "deal", "frac" => frac),
        }
    }
}

impl FromJson for Lever {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let [k, frac, stage, points] = v.fields(["kind", "frac", "stage", "points"])?;
        match kind(k)?.as_str() {
            "volume" => Ok(Lever::Volume {
                frac: field(frac, "frac")?,
            }),
            "rate_points" => Ok(Lever::RatePoints {
                stage: field(stage, "stage")?,
                points: field(points, "points")?,
            }),
            "rate_relative" => Ok(Lever::RateRelative {
                stage: field(stage, "stage")?,
                frac: field(frac, "frac")?,
            }),
            "deal" => Ok(Lever::Deal {
                frac: field(frac, "frac")?,
            }),
            other => Err(unknown("lever kind", other)),
        }
    }
}

json_struct!(ScenarioSpec {
    scope,
    levers,
    cost
});

impl ToJson for GoalLever {
    fn write(&self, out: &mut String) {
        match self {
            GoalLever::Volume => object!(out; "kind" => "volume"),
            GoalLever::RatePoints { stage } => {
                object!(out; "kind" => "rate_points", "stage" => stage)
            }
        }
    }
}

impl FromJson for GoalLever {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        let [k, stage] = v.fields(["kind", "stage"])?;
        match kind(k)?.as_str() {
            "volume" => Ok(GoalLever::Volume),
            "rate_points" => Ok(GoalLever::RatePoints {
                stage: field(stage, "stage")?,
            }),
            other => Err(unknown("goal lever", other)),
        }
    }
}

json_struct!(Model {
    stages,
    segments,
    scenarios,
    margin,
    trials,
    seed,
});

json_struct!(Segment {
    label,
    spec,
    lags = Vec::new() => Vec::is_empty,
});

json_struct!(Scenario {
    label,
    spec,
    window = None => Option::is_none,
});

json_struct!(super::Window { first, last });

json_struct!(funnelcast_engine::months::LagSpec { median, p90 });

json_struct!(super::TimeSettings {
    on,
    horizon,
    weights = Vec::new() => Vec::is_empty,
});

json_struct!(Goal {
    target,
    prob,
    lever,
});

json_struct!(Document {
    v,
    preset,
    stages,
    segments,
    scenarios,
    trials,
    seed,
    margin,
    currency,
    period,
    goal,
    engine = super::first_numbers(),
    time = None => Option::is_none,
});

// --- A tree, for migration steps -----------------------------------------------

/// A JSON value as a tree: what a migration step rewrites (an old
/// document's shape into the next one's). Reading a current document never
/// builds one. Numbers keep their text, so a step moves them unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Takes the field `key` out of an object.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self {
            Value::Obj(entries) => {
                let i = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(i).1)
            }
            _ => None,
        }
    }

    /// Sets the field `key` of an object (in place, or added at the end);
    /// nothing on another value.
    pub fn insert(&mut self, key: &str, value: Value) {
        if let Value::Obj(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// A whole number, if the value is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Num(t) => crate::format::parse_whole(t).ok(),
            _ => None,
        }
    }
}

impl FromJson for Value {
    fn read(v: Val<'_>) -> Result<Self, JsonError> {
        Ok(match v.text().as_bytes().first() {
            Some(b'{') => {
                let mut entries = Vec::new();
                v.each_entry(|k, x| {
                    entries.push((k.to_string(), Value::read(x)?));
                    Ok(())
                })?;
                Value::Obj(entries)
            }
            Some(b'[') => Value::Arr(Vec::read(v)?),
            Some(b'"') => Value::Str(v.string()?),
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'n') => Value::Null,
            _ => Value::Num(v.text().to_string()),
        })
    }
}

impl ToJson for Value {
    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(t) => out.push_str(t),
            Value::Str(s) => write_str(s, out),
            Value::Arr(items) => items.write(out),
            Value::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// Which texts are JSON: the same answer as serde_json for every case
    /// (numbers, escapes, surrogates, literals, commas, whitespace, control
    /// characters), nesting within [`MAX_DEPTH`]. (One difference, by
    /// design: a number too large for a double, such as 1e400, is refused
    /// where a field reads it, not on parsing; in a field the page ignores,
    /// serde_json would refuse the whole text.)
    #[test]
    fn the_grammar_is_serde_jsons() {
        let cases = [
            "0",
            "-0",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "1e+",
            "1E5",
            "-1.5e-3",
            "+1",
            "0x10",
            "NaN",
            "Infinity",
            "true",
            "tru",
            "false",
            "null",
            "nul",
            "nulls",
            "[]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":}",
            "{\"a\":1}x",
            " \t\n\r[ 1 , 2 ]\n",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "\"\\u00e9\"",
            "\"\\u00G9\"",
            "\"\\x\"",
            "\"a\u{1}b\"",
            "\"a\u{7f}b\"",
            "\"\u{2028}\"",
            "\"unterminated",
            "[\"a\",{\"b\":[null,true,false,-0.0]}]",
            "",
            " ",
            "[[[[[[]]]]]]",
            "[\"\\/\"]",
        ];
        for text in cases {
            let ours = Val::parse(text).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(text).is_ok();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn strings_read_as_serde_json_reads_them() {
        for text in [
            "\"plain\"",
            "\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"",
            "\"\\ud83d\\ude00 \\u4e2d文 <b>&amp;</b>\"",
        ] {
            let theirs: String = serde_json::from_str(text).unwrap();
            assert_eq!(from_text::<String>(text).unwrap(), theirs, "{text}");
            // And our writing reads back, through serde_json too.
            let again = to_text(&theirs);
            assert_eq!(serde_json::from_str::<String>(&again).unwrap(), theirs);
        }
    }

    /// Past [`MAX_DEPTH`] a text is refused, not a stack overflow.
    #[test]
    fn deep_nesting_is_refused() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(Val::parse(&deep).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Val::parse(&ok).is_ok());
    }

    /// Numbers: every finite double, written and read back bit for bit, and
    /// read as serde_json reads them; integers only as integers.
    #[test]
    fn numbers_round_trip_bit_for_bit() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut xs = vec![
            0.0,
            -0.0,
            1e-7,
            1e16,
            1e15,
            0.1 + 0.2,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            8000.0,
        ];
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = f64::from_bits(state);
            if x.is_finite() {
                xs.push(x);
            }
        }
        for x in xs {
            let text = to_text(&x);
            assert_eq!(
                from_text::<f64>(&text).unwrap().to_bits(),
                x.to_bits(),
                "{text}"
            );
            let theirs: f64 = serde_json::from_str(&text).unwrap();
            assert_eq!(theirs.to_bits(), x.to_bits(), "{text}");
        }
        assert_eq!(from_text::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert!(from_text::<u64>("18446744073709551616").is_err());
        assert!(from_text::<u64>("1.0").is_err());
        assert!(from_text::<u64>("1e3").is_err());
        assert!(from_text::<u64>("-1").is_err());
        assert!(from_text::<u32>("4294967296").is_err());
        assert!(from_text::<f64>("1e400").is_err());
        assert_eq!(from_text::<f64>("3"), Ok(3.0));
        assert!(from_text::<f64>("null").is_err());
        assert_eq!(from_text::<Option<f64>>("null"), Ok(None));
    }

    /// The shapes serde's derived code reads: unknown fields ignored, a
    /// known one twice refused, a missing Option is None, a missing value
    /// is an error, an unknown kind or code is an error.
    #[test]
    fn shapes_are_read_as_serde_reads_them() {
        let cases = [
            r#"{"kind":"fixed","value":1,"extra":[1,{"x":null}]}"#,
            r#"{"value":1,"kind":"fixed"}"#,
            r#"{"kind":"fixed","value":1,"value":2}"#,
            r#"{"kind":"fixed"}"#,
            r#"{"kind":"fixe","value":1}"#,
            r#"{"kind":"range","low":1,"high":"2"}"#,
            r#"{"kind":"evidence","k":3,"n":10}"#,
            r#"{"kind":"evidence","k":3.0,"n":10}"#,
            r#"{"kind":"fixed","value":1,"low":"ignored"}"#,
            r#"[1]"#,
            r#""fixed""#,
        ];
        for text in cases {
            let ours = from_text::<RateSpec>(text);
            let theirs = serde_json::from_str::<RateSpec>(text);
            assert_eq!(
                ours.as_ref().ok(),
                theirs.as_ref().ok(),
                "{text}: {ours:?} vs {theirs:?}"
            );
        }
        for text in [
            r#"{"key":"awareness"}"#,
            r#"{"text":"<b>x</b>"}"#,
            r#"{"key":"nope"}"#,
            r#"{"key":"awareness","text":"x"}"#,
            r#"{}"#,
            r#"{"text":1}"#,
        ] {
            let ours = from_text::<Label>(text);
            let theirs = serde_json::from_str::<Label>(text);
            assert_eq!(
                ours.as_ref().ok(),
                theirs.as_ref().ok(),
                "{text}: {ours:?} vs {theirs:?}"
            );
        }
        for text in [
            r#""all""#,
            r#"{"segment":2}"#,
            r#""none""#,
            r#"{"segment":-1}"#,
        ] {
            let ours = from_text::<Scope>(text);
            let theirs = serde_json::from_str::<Scope>(text);
            assert_eq!(ours.as_ref().ok(), theirs.as_ref().ok(), "{text}");
        }
        for text in [
            r#"{"scope":"all","levers":[]}"#,
            r#"{"scope":"all","levers":[],"cost":null}"#,
            r#"{"scope":"all","levers":[{"kind":"deal","frac":0.1}],"cost":5}"#,
            r#"{"scope":"all","cost":5}"#,
        ] {
            let ours = from_text::<ScenarioSpec>(text);
            let theirs = serde_json::from_str::<ScenarioSpec>(text);
            assert_eq!(ours.as_ref().ok(), theirs.as_ref().ok(), "{text}");
        }
    }

    /// A struct as it was, and as it is after a field was added the way a
    /// document field is: one line in its declaration (and the struct's own
    /// field). Old texts still read, new ones read in the old build.
    #[derive(Debug, PartialEq)]
    struct Before {
        name: String,
        count: u32,
        note: Option<f64>,
    }

    json_struct!(Before { name, count, note });

    #[derive(Debug, PartialEq)]
    struct After {
        name: String,
        count: u32,
        note: Option<f64>,
        /// The added optional field: absent is `None`.
        share: Option<f64>,
        /// An added field whose absence means something: 3.
        steps: u32,
    }

    json_struct!(After {
        name,
        count,
        note,
        share,
        steps = 3,
    });

    #[test]
    fn a_field_added_to_a_declaration_reads_old_and_new_texts() {
        let after = After {
            name: "a\"b".into(),
            count: 7,
            note: None,
            share: Some(0.25),
            steps: 5,
        };
        let text = to_text(&after);
        assert_eq!(
            text,
            r#"{"name":"a\"b","count":7,"note":null,"share":0.25,"steps":5}"#
        );
        assert_eq!(from_text::<After>(&text), Ok(after));
        // A text from before the field: the option is None, the other its
        // default; `note` may be absent too.
        assert_eq!(
            from_text::<After>(r#"{"name":"x","count":1}"#),
            Ok(After {
                name: "x".into(),
                count: 1,
                note: None,
                share: None,
                steps: 3,
            })
        );
        // The old build reads the new text: unknown fields are ignored.
        assert_eq!(
            from_text::<Before>(&to_text(&After {
                name: "x".into(),
                count: 1,
                note: Some(1.5),
                share: Some(0.5),
                steps: 4,
            })),
            Ok(Before {
                name: "x".into(),
                count: 1,
                note: Some(1.5),
            })
        );
        // A known field twice is refused, the added ones as the others.
        for twice in [
            r#"{"name":"x","count":1,"share":0.5,"share":0.5}"#,
            r#"{"name":"x","count":1,"steps":1,"steps":1}"#,
            r#"{"name":"x","name":"y","count":1}"#,
        ] {
            assert!(from_text::<After>(twice).is_err(), "{twice}");
        }
        // Required fields stay required; integers only as integers; a null
        // in a field that is not an Option is refused, not defaulted.
        for bad in [
            r#"{"name":"x"}"#,
            r#"{"name":"x","count":1.0}"#,
            r#"{"name":"x","count":1,"steps":2.5}"#,
            r#"{"name":"x","count":1,"steps":null}"#,
            r#"{"name":"x","count":1,"share":"0.5"}"#,
            r#"["x",1]"#,
        ] {
            assert!(from_text::<After>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            from_text::<After>(r#"{"count":2,"share":null,"name":"y","extra":{"z":[1]}}"#),
            Ok(After {
                name: "y".into(),
                count: 2,
                note: None,
                share: None,
                steps: 3,
            })
        );
    }

    /// A model as a worker gets it: serde_json reads our text, we read its.
    #[test]
    fn a_model_round_trips_both_ways() {
        let doc =
            crate::presets::preset_doc(crate::document::PresetId::CaseB, crate::format::Lang::Zh);
        let model = doc.model();
        let ours = to_text(&model);
        assert_eq!(serde_json::from_str::<Model>(&ours).unwrap(), model);
        let theirs = serde_json::to_string(&model).unwrap();
        assert_eq!(from_text::<Model>(&theirs).unwrap(), model);
    }
}
