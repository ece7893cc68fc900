//! The QR code of the link, as SVG.
//!
//! The largest code allowed is **version 25** (117 × 117 modules). Shown on a
//! 1280 × 720 projector as a full-screen slide it is about 680 px tall, over
//! 5 px a module, which a phone reads from the back of a room; version 26 and
//! up give modules too fine for that, and a code that cannot be scanned is
//! worse than none. Error correction is M (15 % of the code may be lost to
//! glare or a keystone-distorted projection), dropping to L only when a link
//! fits in version 25 no other way. So a link holds at most 1,273 bytes
//! (version 25-L); a longer one gets `qr-too-long` and a way to shorten it.

use qrcode::{EcLevel, QrCode, Version};

/// The largest QR version drawn (see the module docs).
pub const MAX_VERSION: i16 = 25;

/// A code and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Qr {
    /// `<svg …>` with a viewBox, one unit a module, a 4-module quiet zone.
    pub svg: String,
    pub version: i16,
    /// 'M' or 'L'.
    pub ecc: char,
}

/// Too long for [`MAX_VERSION`]; carries the link's length in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong {
    pub bytes: usize,
}

/// The QR code of `link`, or [`TooLong`].
pub fn qr(link: &str) -> Result<Qr, TooLong> {
    let too_long = TooLong { bytes: link.len() };
    let (code, ecc) = [(EcLevel::M, 'M'), (EcLevel::L, 'L')]
        .into_iter()
        .find_map(|(level, c)| {
            QrCode::with_error_correction_level(link, level)
                .ok()
                .filter(|q| fits(q.version()))
                .map(|q| (q, c))
        })
        .ok_or(too_long)?;
    let Version::Normal(version) = code.version() else {
        return Err(too_long);
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG goes inside the page's HTML.
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    };
    Ok(Qr { svg, version, ecc })
}

fn fits(v: Version) -> bool {
    matches!(v, Version::Normal(n) if n <= MAX_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the code's modules to a greyscale bitmap (`scale` pixels a
    /// module, white quiet zone) and reads it back with rqrr, a decoder
    /// written independently of the qrcode crate.
    #[cfg(not(target_arch = "wasm32"))]
    fn read_back(link: &str) -> String {
        let code = QrCode::with_error_correction_level(link, EcLevel::M)
            .or_else(|_| QrCode::with_error_correction_level(link, EcLevel::L))
            .unwrap();
        let w = code.width();
        let colors = code.to_colors();
        let (scale, quiet) = (4usize, 4usize);
        let size = (w + 2 * quiet) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            if mx < quiet || my < quiet || mx >= w + quiet || my >= w + quiet {
                return 255;
            }
            match colors[(my - quiet) * w + (mx - quiet)] {
                qrcode::Color::Dark => 0,
                qrcode::Color::Light => 255,
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_code_reads_back_as_the_link() {
        use crate::document::PresetId;
        use crate::format::Lang;
        use crate::presets;
        for id in [PresetId::Classic5, PresetId::CaseB] {
            let d = presets::preset_doc(id, Lang::Zh);
            let link = format!(
                "https://example.org/tools/funnelcast/{}",
                crate::share::address::fragment(&crate::share::address::encode(&d), Lang::Zh)
            );
            let q = qr(&link).unwrap();
            assert!(q.version <= MAX_VERSION);
            assert!(q.svg.starts_with("<svg") && q.svg.contains("viewBox"));
            assert_eq!(read_back(&link), link);
        }
    }

    #[test]
    fn the_largest_version_and_no_larger() {
        // Version 25-L holds 1,273 bytes (ISO/IEC 18004 table 7), 25-M 997.
        let fits_m = "a".repeat(997);
        let q = qr(&fits_m).unwrap();
        assert_eq!((q.version, q.ecc), (25, 'M'));
        let fits_l = "a".repeat(1_273);
        let q = qr(&fits_l).unwrap();
        assert_eq!((q.version, q.ecc), (25, 'L'));
        assert_eq!(qr(&"a".repeat(1_274)), Err(TooLong { bytes: 1_274 }));
        let short = qr("https://example.org/#1.abc").unwrap();
        assert_eq!(short.ecc, 'M');
        assert!(short.version < 5);
    }
}
