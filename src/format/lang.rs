//! The page's language and the currency of deal values.

use serde::{Deserialize, Serialize};

use super::decimal::decimal_to_f64;

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The code used in links and storage: "en" or "zh".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The inverse of [`Lang::code`]; also accepts a region tag ("zh-CN",
    /// "en_GB") and any letter case, since codes come from links people edit.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The default language from the browser: Zh when the most preferred
    /// language is any Chinese ("zh", "zh-CN", "zh-Hant-TW"), else En.
    ///
    /// Accepts either `navigator.language` ("zh-CN") or an Accept-Language style
    /// list ("en-US,en;q=0.9,zh;q=0.8"); in a list the highest `q` wins and ties
    /// go to the earlier entry, as HTTP specifies.
    pub fn from_browser(accept: &str) -> Lang {
        let mut best: Option<(f64, &str)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            if tag.is_empty() || tag == "*" {
                continue;
            }
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| decimal_to_f64(q.trim()))
                .find(|q| q.is_finite())
                .unwrap_or(1.0);
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, tag));
            }
        }
        match best {
            Some((_, tag)) if tag.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// The currency of deal values. Serialised as its ISO code ("CNY"), which stays
/// readable in exported JSON and stable in shared links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Cny,
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    /// Every currency, in the order a picker lists them.
    pub const ALL: [Currency; 4] = [Currency::Cny, Currency::Usd, Currency::Eur, Currency::Gbp];

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }

    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    /// The inverse of [`Currency::code`], in any letter case.
    pub fn from_code(code: &str) -> Option<Currency> {
        let code = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// The currency a new model starts with in each language.
    pub fn default_for(lang: Lang) -> Currency {
        match lang {
            Lang::Zh => Currency::Cny,
            Lang::En => Currency::Usd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_codes_round_trip() {
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("ZH-cn"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }

    #[test]
    fn lang_from_browser_takes_first_preference() {
        assert_eq!(Lang::from_browser("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_browser("zh-Hant-TW"), Lang::Zh);
        assert_eq!(Lang::from_browser("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_browser("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_browser("fr-FR, zh;q=0.9"), Lang::En);
        // The highest q wins even when listed later.
        assert_eq!(Lang::from_browser("en;q=0.5, zh"), Lang::Zh);
        assert_eq!(Lang::from_browser("*, zh;q=0.1"), Lang::Zh);
        assert_eq!(Lang::from_browser(""), Lang::En);
        assert_eq!(Lang::from_browser(";;,,q=x"), Lang::En);
    }

    #[test]
    fn currency_codes_symbols_defaults() {
        let symbols: Vec<_> = Currency::ALL.iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, ["¥", "$", "€", "£"]);
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
        }
        assert_eq!(Currency::from_code("usd"), Some(Currency::Usd));
        assert_eq!(Currency::from_code("JPY"), None);
        assert_eq!(Currency::default_for(Lang::Zh), Currency::Cny);
        assert_eq!(Currency::default_for(Lang::En), Currency::Usd);
    }
}
