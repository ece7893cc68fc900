//! Labels that must fit a given width in a chart (SVG text does not wrap or
//! clip by itself: a long stage name would run off the chart's edge).

/// About how wide `s` is at a font size of `px`: Latin letters and digits
/// about 0.6 em, wide (CJK, full-width) characters 1 em. An estimate on the
/// generous side, so a fitted label never runs over.
pub fn text_width(s: &str, px: f64) -> f64 {
    s.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.62 })
        .sum::<f64>()
        * px
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// `s` as it fits `max_w` at `px`: whole, or cut with "…" (the caller keeps
/// the whole name in a `<title>` for hovering and for screen readers).
pub fn fit_label(s: &str, max_w: f64, px: f64) -> String {
    if text_width(s, px) <= max_w {
        return s.to_string();
    }
    let room = max_w - text_width("…", px);
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), px);
        if w + cw > room {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_stay_whole_and_long_ones_fit() {
        assert_eq!(fit_label("Awareness", 140.0, 13.0), "Awareness");
        assert_eq!(fit_label("意识", 140.0, 13.0), "意识");
        for s in [
            "<script>window.__pwned=1</script>",
            "一个非常非常非常长的阶段名称用于测试",
            "Signed contract with the enterprise customer",
        ] {
            let f = fit_label(s, 136.0, 13.0);
            assert!(text_width(&f, 13.0) <= 136.0, "{f}");
            assert!(f.ends_with('…') && f.chars().count() > 3, "{f}");
            assert!(s.starts_with(f.trim_end_matches('…')));
        }
        // Wide characters count double.
        assert!(text_width("意识", 13.0) > text_width("ab", 13.0));
    }
}
