//! `rename_all`: wire names in another case than the Rust method names.

/// A case convention accepted by `rename_all` (serde's names).
#[derive(Clone, Copy)]
pub enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl Case {
    /// Every accepted spelling, for the error message of an unknown one.
    pub const NAMES: &'static str = "\"lowercase\", \"UPPERCASE\", \"PascalCase\", \"camelCase\", \
        \"snake_case\", \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"SCREAMING-KEBAB-CASE\"";

    /// The convention called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Case> {
        Some(match name {
            "lowercase" => Case::Lower,
            "UPPERCASE" => Case::Upper,
            "PascalCase" => Case::Pascal,
            "camelCase" => Case::Camel,
            "snake_case" => Case::Snake,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            "kebab-case" => Case::Kebab,
            "SCREAMING-KEBAB-CASE" => Case::ScreamingKebab,
            _ => return None,
        })
    }

    /// `ident` (a snake_case Rust method name) in this case.
    pub fn apply(self, ident: &str) -> String {
        let words = ident.split('_').filter(|w| !w.is_empty());
        let capitalised = |w: &str| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| {
                    c.to_uppercase()
                        .chain(chars.flat_map(char::to_lowercase))
                        .collect()
                })
                .unwrap_or_default()
        };
        match self {
            Case::Lower => words.collect::<String>().to_lowercase(),
            Case::Upper => words.collect::<String>().to_uppercase(),
            Case::Pascal => words.map(capitalised).collect::<Vec<String>>().concat(),
            Case::Camel => {
                let mut out = String::new();
                for (i, w) in words.enumerate() {
                    if i == 0 {
                        out.push_str(&w.to_lowercase());
                    } else {
                        out.push_str(&capitalised(w));
                    }
                }
                out
            }
            Case::Snake => words.collect::<Vec<_>>().join("_").to_lowercase(),
            Case::ScreamingSnake => words.collect::<Vec<_>>().join("_").to_uppercase(),
            Case::Kebab => words.collect::<Vec<_>>().join("-").to_lowercase(),
            Case::ScreamingKebab => words.collect::<Vec<_>>().join("-").to_uppercase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Case;

    #[test]
    fn converts_snake_case_idents() {
        let cases = [
            ("lowercase", "getstatename"),
            ("UPPERCASE", "GETSTATENAME"),
            ("PascalCase", "GetStateName"),
            ("camelCase", "getStateName"),
            ("snake_case", "get_state_name"),
            ("SCREAMING_SNAKE_CASE", "GET_STATE_NAME"),
            ("kebab-case", "get-state-name"),
            ("SCREAMING-KEBAB-CASE", "GET-STATE-NAME"),
        ];
        for (name, expected) in cases {
            let case = Case::from_name(name).unwrap();
            assert_eq!(case.apply("get_state_name"), expected, "{name}");
        }
        assert!(Case::from_name("Camel").is_none());
    }
}
