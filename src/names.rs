//! Names that follow the page's language. A preset gives stages, segments and
//! scenarios a [`NameKey`]; the document keeps the key (not the text), so the
//! same document reads "考虑" in Chinese and "Consideration" in English until
//! the user types a name of their own, which is then kept as [`Label::Text`].
//!
//! The document and the presets both use this module; it uses neither, but
//! for [`scenario_name`], which reads a run's document to name a scenario.

use serde::{Deserialize, Serialize};

use crate::format::Lang;

/// Longest name a user may type (stage, segment or scenario), in characters.
pub const MAX_NAME_CHARS: usize = 60;

macro_rules! name_keys {
    ($($key:ident = $code:literal, $en:literal, $zh:literal;)*) => {
        /// Every name a preset or a ready scenario can give. Serialised as its
        /// snake_case code, so a link or file with an unknown key is refused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum NameKey {
            $(#[serde(rename = $code)] $key,)*
        }

        impl NameKey {
            /// Every key, in declaration order (for tests and generators).
            pub const ALL: &'static [NameKey] = &[$(NameKey::$key,)*];

            /// Its code in documents and links.
            pub fn code(self) -> &'static str {
                match self {
                    $(NameKey::$key => $code,)*
                }
            }

            pub fn from_code(code: &str) -> Option<NameKey> {
                NameKey::ALL.iter().copied().find(|k| k.code() == code)
            }

            /// The name in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((NameKey::$key, Lang::En) => $en, (NameKey::$key, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

name_keys! {
    Awareness = "awareness", "Awareness", "意识";
    Interest = "interest", "Interest", "兴趣";
    Consideration = "consideration", "Consideration", "考虑";
    Intent = "intent", "Intent", "意图";
    Purchase = "purchase", "Purchase", "购买";
    Attention = "attention", "Attention", "注意";
    Desire = "desire", "Desire", "欲望";
    Action = "action", "Action", "行动";
    Lead = "lead", "Leads", "线索";
    Mql = "mql", "Marketing-qualified", "市场认可线索";
    Sql = "sql", "Sales-qualified", "销售认可线索";
    Opportunity = "opportunity", "Opportunity", "商机";
    Proposal = "proposal", "Proposal", "方案报价";
    Won = "won", "Won", "成交";
    Visitors = "visitors", "Store visitors", "进店客流";
    Browse = "browse", "Browsing", "浏览商品";
    Try = "try", "Tried / asked", "试用咨询";
    Visits = "visits", "Site visits", "网站访问";
    ProductView = "product_view", "Product views", "商品浏览";
    Cart = "cart", "Added to cart", "加入购物车";
    Checkout = "checkout", "Checkout started", "开始结算";
    Order = "order", "Order placed", "完成下单";
    Enquiry = "enquiry", "Enquiries", "咨询";
    Consultation = "consultation", "Consultation", "面谈";
    Signed = "signed", "Signed", "签约";
    SegmentAll = "segment_all", "All customers", "全部客户";
    Smb = "smb", "Small firms", "中小企业";
    Enterprise = "enterprise", "Large enterprises", "大型企业";
    Awareness30 = "awareness30", "+30% awareness", "意识 +30%";
    CaseA = "case_a", "Case A: reach & early conversion", "案例 A：扩大覆盖与前端转化";
}

/// The name of a stage, segment or scenario: a preset's key (shown in the
/// page's language) or the user's own text (shown as typed, always as text,
/// never as markup).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Key(NameKey),
    Text(String),
}

impl Label {
    /// The name as shown in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Label::Key(k) => k.text(lang).to_string(),
            Label::Text(t) => t.clone(),
        }
    }

    /// Too long to be a name (typed text only; keys are always short).
    pub fn too_long(&self) -> bool {
        matches!(self, Label::Text(t) if t.chars().count() > MAX_NAME_CHARS)
    }
}

impl From<NameKey> for Label {
    fn from(k: NameKey) -> Self {
        Label::Key(k)
    }
}

/// Scenario s's name in the run's document: the baseline in the page's
/// words, the others by their labels.
pub fn scenario_name(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    d: &crate::document::Document,
    s: usize,
    lang: Lang,
) -> String {
    if s == 0 {
        crate::i18n::t_string!(i18n, baseline).to_string()
    } else {
        d.scenario(s)
            .map(|x| x.label.text(lang))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_in_both_languages_and_text_stays_as_typed() {
        assert_eq!(Label::Key(NameKey::Consideration).text(Lang::Zh), "考虑");
        assert_eq!(
            Label::Key(NameKey::Consideration).text(Lang::En),
            "Consideration"
        );
        let own = Label::Text("<b>Reach</b>".into());
        assert_eq!(own.text(Lang::Zh), "<b>Reach</b>");
    }

    #[test]
    fn every_key_has_a_distinct_code() {
        let codes: std::collections::HashSet<String> = NameKey::ALL
            .iter()
            .map(|k| serde_json::to_string(k).unwrap())
            .collect();
        assert_eq!(codes.len(), NameKey::ALL.len());
    }

    #[test]
    fn a_long_typed_name_is_too_long() {
        assert!(Label::Text("x".repeat(61)).too_long());
        assert!(!Label::Text("字".repeat(60)).too_long());
    }
}
