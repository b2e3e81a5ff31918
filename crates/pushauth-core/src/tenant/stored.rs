//! Reading a stored [`Tenant`] back: `{"id", <every TenantSettings field>, "secrets",
//! "webhookSecret", "createdAt", "updatedAt"}`, as its `Serialize` (with `flatten`) writes it.
//!
//! serde's derive for `flatten` buffers every entry into its generic `Content` tree and reads
//! the settings a second time from it. Here the tenant's own fields are read straight from the
//! input, the other entries are kept as JSON values, and the settings are read from those that
//! name a [`TenantSettings`] field; the rest are ignored, as `flatten` ignores them (a tenant
//! written by a newer version with a setting this one does not know still reads). A field given
//! twice is refused, as before.

use alloc::{string::String, vec::Vec};
use core::cell::Cell;
use core::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Tenant, TenantSecret, TenantSettings};
use crate::ids::TenantId;
use crate::UnixMillis;

/// The field names serde's derive gives `T`: the list it passes to `deserialize_struct`.
fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    /// Records the field list and stops.
    struct Fields<'a>(&'a Cell<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("fields recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(Fields(&fields));
    fields.get()
}

/// The tenant's own fields, read one entry at a time.
#[derive(Default)]
struct Own {
    id: Option<TenantId>,
    secrets: Option<Vec<TenantSecret>>,
    webhook_secret: Option<String>,
    created_at: Option<UnixMillis>,
    updated_at: Option<UnixMillis>,
}

/// `slot` set once from the next value; a second time is serde's "duplicate field".
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

fn need<T, E: de::Error>(field: Option<T>, name: &'static str) -> Result<T, E> {
    field.ok_or_else(|| E::missing_field(name))
}

struct TenantVisitor;

impl<'de> Visitor<'de> for TenantVisitor {
    type Value = Tenant;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stored tenant")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tenant, A::Error> {
        let settings_fields = struct_fields::<TenantSettings>();
        let mut own = Own::default();
        let mut settings = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => once(&mut map, &mut own.id, "id")?,
                "secrets" => once(&mut map, &mut own.secrets, "secrets")?,
                "webhookSecret" => once(&mut map, &mut own.webhook_secret, "webhookSecret")?,
                "createdAt" => once(&mut map, &mut own.created_at, "createdAt")?,
                "updatedAt" => once(&mut map, &mut own.updated_at, "updatedAt")?,
                _ => {
                    let value: Value = map.next_value()?;
                    if let Some(&field) = settings_fields.iter().find(|f| **f == key) {
                        if settings.insert(key, value).is_some() {
                            return Err(de::Error::duplicate_field(field));
                        }
                    }
                }
            }
        }
        let settings: TenantSettings =
            crate::json_value::read(&Value::Object(settings)).map_err(de::Error::custom)?;
        Ok(Tenant {
            id: need(own.id, "id")?,
            settings,
            secrets: need(own.secrets, "secrets")?,
            webhook_secret: need(own.webhook_secret, "webhookSecret")?,
            created_at: need(own.created_at, "createdAt")?,
            updated_at: need(own.updated_at, "updatedAt")?,
        })
    }
}

impl<'de> Deserialize<'de> for Tenant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TenantVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::*;

    /// serde's derive with `flatten`, as a tenant was read before: the reference.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Derived {
        id: TenantId,
        #[serde(flatten)]
        settings: TenantSettings,
        secrets: Vec<TenantSecret>,
        webhook_secret: String,
        created_at: UnixMillis,
        updated_at: UnixMillis,
    }

    fn derived(d: Derived) -> Tenant {
        Tenant {
            id: d.id,
            settings: d.settings,
            secrets: d.secrets,
            webhook_secret: d.webhook_secret,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }

    /// Both readers on one text: the same tenant, or both refuse it.
    fn agree(text: &str) -> Option<Tenant> {
        let ours = serde_json::from_str::<Tenant>(text).ok();
        let reference = serde_json::from_str::<Derived>(text).ok().map(derived);
        assert!(ours == reference, "{text}: ours {}, serde's {}", ours.is_some(), reference.is_some());
        ours
    }

    fn stored() -> Value {
        json!({
            "id": "acme",
            "name": "Acme",
            "authMode": "basic",
            "callbackUrls": ["https://acme.example/cb"],
            "numberMatching": true,
            "evidenceDays": 30,
            "pushLimits": {"maxPending": 2, "maxPerWindow": 5, "windowSecs": 60, "notMeBlockSecs": 60},
            "secrets": [{"value": "sk_test_0123456789abcdef0123456789ab", "createdAt": 1, "expiresAt": 9}],
            "webhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "createdAt": 1,
            "updatedAt": 2,
        })
    }

    fn with(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let mut value = stored();
        change(value.as_object_mut().unwrap());
        value.to_string()
    }

    /// Every setting away from its default, so that a setting the reader dropped would show.
    fn every_setting() -> TenantSettings {
        TenantSettings {
            name: "Acme".into(),
            auth_mode: super::super::AuthMode::Hmac,
            callback_urls: vec!["https://acme.example/cb".into()],
            push_webhook_url: Some("https://acme.example/push".into()),
            redirect_urls: vec!["https://acme.example/back".into()],
            allowed_origins: vec!["https://acme.example".into()],
            number_matching: true,
            push_limits: super::super::PushLimits {
                max_pending: 2,
                max_per_window: 5,
                window_secs: 60,
                not_me_block_secs: 60,
            },
            challenge_secs: 90,
            evidence_days: 30,
        }
    }

    #[test]
    fn the_settings_fields_are_serde_s() {
        let fields = struct_fields::<TenantSettings>();
        assert!(fields.contains(&"name") && fields.contains(&"pushLimits") && fields.contains(&"authMode"));
        assert!(!fields.contains(&"id") && !fields.contains(&"secrets"));
        // The list the reader uses is exactly what a stored tenant's settings are written as.
        let written = serde_json::to_value(every_setting()).unwrap();
        let mut written: Vec<&str> = written.as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields = fields.to_vec();
        written.sort_unstable();
        fields.sort_unstable();
        assert_eq!(fields, written);
    }

    #[test]
    fn every_setting_is_read_back_as_serde_s_derive_reads_it() {
        let tenant = Tenant {
            id: TenantId::parse("acme").unwrap(),
            settings: every_setting(),
            secrets: vec![TenantSecret {
                value: "sk_test_0123456789abcdef0123456789ab".into(),
                created_at: 1,
                expires_at: None,
            }],
            webhook_secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
            created_at: 1,
            updated_at: 2,
        };
        let text = serde_json::to_string(&tenant).unwrap();
        assert!(agree(&text) == Some(tenant), "{text}");
        // Written before a setting existed: its default, as the derive gives it.
        let old = with(|m| drop(m.remove("evidenceDays")));
        assert_eq!(agree(&old).unwrap().settings.evidence_days, crate::evidence::DEFAULT_EVIDENCE_DAYS);
    }

    #[test]
    fn reads_what_it_writes_and_what_serde_s_derive_reads() {
        let tenant = agree(&stored().to_string()).expect("the stored form reads");
        assert_eq!(tenant.settings.name, "Acme");
        assert!(tenant.settings.number_matching);
        let again = serde_json::to_string(&tenant).unwrap();
        assert!(agree(&again) == Some(tenant));
    }

    #[test]
    fn agrees_with_serde_s_derive_on_odd_and_broken_input() {
        let cases = [
            with(|_| {}),
            with(|m| drop(m.insert("futureSetting".into(), json!({"a": [1, 2]})))),
            with(|m| drop(m.remove("numberMatching"))),
            with(|m| drop(m.remove("name"))),
            with(|m| drop(m.remove("id"))),
            with(|m| drop(m.remove("secrets"))),
            with(|m| drop(m.remove("webhookSecret"))),
            with(|m| drop(m.remove("createdAt"))),
            with(|m| drop(m.insert("id".into(), json!(5)))),
            with(|m| drop(m.insert("name".into(), json!(5)))),
            with(|m| drop(m.insert("name".into(), Value::Null))),
            with(|m| drop(m.insert("authMode".into(), json!("magic")))),
            with(|m| drop(m.insert("pushLimits".into(), json!({"maxPending": "x"})))),
            with(|m| drop(m.insert("secrets".into(), json!([{"value": 1}])))),
            with(|m| drop(m.insert("evidenceDays".into(), json!(-1)))),
            with(|m| drop(m.insert("evidenceDays".into(), json!("30")))),
            with(|m| drop(m.insert("evidenceDays".into(), Value::Null))),
            with(|m| drop(m.insert("challengeSecs".into(), json!(1.5)))),
            "{}".to_owned(),
            "[]".to_owned(),
            "null".to_owned(),
            "\"acme\"".to_owned(),
        ];
        for text in &cases {
            agree(text);
        }
        // Duplicate keys (not expressible through a JSON map value): refused by both.
        let text = stored().to_string();
        for dup in [r#"{"id":"x","#, r#"{"name":"x","#, r#"{"evidenceDays":3,"#, r#"{"createdAt":3,"#] {
            let doubled = text.replacen('{', dup, 1);
            assert_eq!(agree(&doubled), None, "{doubled}");
        }
        // An unknown key given twice is ignored by both.
        let doubled = text.replacen('{', r#"{"later":1,"later":2,"#, 1);
        assert!(agree(&doubled).is_some());
    }
}
