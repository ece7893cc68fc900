//! A chart on the page as a file that stands alone: its `<svg>` cloned with
//! every element's computed style written inline (the page's stylesheet does
//! not travel with the file), a title above and a legend below. Names go in
//! as text nodes, never as markup. PNG: the same SVG drawn on a canvas at 2×
//! (an `Image` from a `blob:` URL, then `toDataURL`).

use crate::numtext::display;
use wasm_bindgen::JsCast;
use web_sys::Element;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// The title's line and the line under it (model, date, units).
const TITLE_H: f64 = 48.0;
const LEGEND_ROW: f64 = 20.0;
/// The presentation properties the charts' CSS sets.
const PROPS: [&str; 14] = [
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "opacity",
    "fill-opacity",
    "stroke-opacity",
    "font-size",
    "font-family",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "display",
    "visibility",
];

/// A standalone chart: the SVG text and its size in CSS pixels.
pub struct ChartSvg {
    pub text: String,
    pub width: f64,
    pub height: f64,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn by_testid(testid: &str) -> Option<Element> {
    document()?
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()?
}

fn inline_style(win: &web_sys::Window, from: &Element, to: &Element) {
    let Ok(Some(cs)) = win.get_computed_style(from) else {
        return;
    };
    let style: String = PROPS
        .iter()
        .filter_map(|p| {
            let v = cs.get_property_value(p).ok()?;
            (!v.is_empty()).then(|| format!("{p}:{v};"))
        })
        .collect();
    let _ = to.set_attribute("style", &style);
    let _ = to.remove_attribute("class");
}

fn svg_el(doc: &web_sys::Document, name: &str, attrs: &[(&str, String)]) -> Option<Element> {
    let e = doc.create_element_ns(Some(SVG_NS), name).ok()?;
    for (k, v) in attrs {
        let _ = e.set_attribute(k, v);
    }
    Some(e)
}

/// The chart `svg_testid` as a standalone SVG with `title`, a `subtitle`
/// under it (the model, the date, the units) and a legend of the (name,
/// colour) pairs the chart draws.
pub fn standalone_svg(
    svg_testid: &str,
    title: &str,
    subtitle: &str,
    legend: &[(String, &str)],
) -> Option<ChartSvg> {
    let win = web_sys::window()?;
    let doc = document()?;
    let src = by_testid(svg_testid)?;
    let rect = src.get_bounding_client_rect();
    let (w, h) = (rect.width().ceil().max(1.0), rect.height().ceil().max(1.0));
    let clone: Element = src.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    inline_style(&win, &src, &clone);
    let (a, b) = (
        src.query_selector_all("*").ok()?,
        clone.query_selector_all("*").ok()?,
    );
    for i in 0..a.length().min(b.length()) {
        if let (Some(x), Some(y)) = (a.item(i), b.item(i)) {
            if let (Some(x), Some(y)) = (x.dyn_ref::<Element>(), y.dyn_ref::<Element>()) {
                inline_style(&win, x, y);
            }
        }
    }
    for (k, v) in [
        ("x", "0".to_string()),
        ("y", display(TITLE_H)),
        ("width", display(w)),
        ("height", display(h)),
    ] {
        let _ = clone.set_attribute(k, &v);
    }
    let _ = clone.remove_attribute("data-testid");

    // The legend, wrapped to the chart's width (widths estimated from the
    // characters: a CJK character is about twice a Latin one).
    let mut items = vec![];
    let (mut x, mut row) = (8.0, 0.0);
    for (name, colour) in legend {
        let chars: f64 = name
            .chars()
            .map(|c| if c.is_ascii() { 7.0 } else { 13.0 })
            .sum();
        let item_w = 16.0 + chars + 18.0;
        if x + item_w > w && x > 8.0 {
            x = 8.0;
            row += 1.0;
        }
        items.push((name, *colour, x, row));
        x += item_w;
    }
    let rows = if legend.is_empty() { 0.0 } else { row + 1.0 };
    let total_h = TITLE_H + h + rows * LEGEND_ROW + if rows > 0.0 { 8.0 } else { 0.0 };

    let font = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
    let root = svg_el(
        &doc,
        "svg",
        &[
            ("width", display(w)),
            ("height", display(total_h)),
            (
                "viewBox",
                format!("0 0 {} {}", display(w), display(total_h)),
            ),
            ("font-family", font.to_string()),
        ],
    )?;
    let bg = svg_el(
        &doc,
        "rect",
        &[
            ("width", "100%".into()),
            ("height", "100%".into()),
            ("fill", "#ffffff".into()),
        ],
    )?;
    let heading = svg_el(
        &doc,
        "text",
        &[
            ("x", "8".into()),
            ("y", "20".into()),
            ("font-size", "15".into()),
            ("font-weight", "600".into()),
            ("fill", "#1f2937".into()),
        ],
    )?;
    heading.set_text_content(Some(title));
    let sub = svg_el(
        &doc,
        "text",
        &[
            ("x", "8".into()),
            ("y", "39".into()),
            ("font-size", "12".into()),
            ("fill", "#4b5563".into()),
        ],
    )?;
    sub.set_text_content(Some(subtitle));
    let t = svg_el(&doc, "title", &[])?;
    t.set_text_content(Some(title));
    let _ = root.append_child(&t);
    let _ = root.append_child(&bg);
    let _ = root.append_child(&heading);
    let _ = root.append_child(&sub);
    let _ = root.append_child(&clone);
    let y0 = TITLE_H + h + 4.0;
    for (name, colour, x, row) in items {
        let y = y0 + row * LEGEND_ROW;
        let sw = svg_el(
            &doc,
            "rect",
            &[
                ("x", display(x)),
                ("y", display(y + 2.0)),
                ("width", "12".into()),
                ("height", "12".into()),
                ("fill", colour.to_string()),
            ],
        )?;
        let label = svg_el(
            &doc,
            "text",
            &[
                ("x", display(x + 16.0)),
                ("y", display(y + 12.0)),
                ("font-size", "12".into()),
                ("fill", "#1f2937".into()),
            ],
        )?;
        label.set_text_content(Some(name));
        let _ = root.append_child(&sw);
        let _ = root.append_child(&label);
    }
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&root)
        .ok()?;
    Some(ChartSvg {
        text,
        width: w,
        height: total_h,
    })
}

/// Draws the SVG at 2× on a canvas and offers it as a PNG download.
pub fn download_png(svg: ChartSvg, name: &str) {
    let Some(doc) = document() else { return };
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(svg.text.as_bytes()));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("image/svg+xml;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let name = name.to_string();
    let (w, h) = (svg.width, svg.height);
    let img2 = img.clone();
    let url2 = url.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
        let Some(canvas) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width((w * 2.0) as u32);
        canvas.set_height((h * 2.0) as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.scale(2.0, 2.0);
        let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, w, h);
        if let Ok(data) = canvas.to_data_url_with_type("image/png") {
            super::web::click_link(&name, &data);
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}
