//! Reading answers: lenient where the service may leave things out, strict where a caller
//! needs something, and bounded.
//!
//! - Every answer struct is `#[serde(default)]`: a missing field takes its default, unknown
//!   fields are ignored, and `null` lists read as empty ([`null_as_default`]).
//! - An id the caller needs (a user's `user_id`, an org's `org_id`, ...) is required: missing,
//!   `null` or empty, the whole answer is [`ApiError::MalformedResponse`]. The field is
//!   declared `#[serde(default = "required::user_id", deserialize_with = "id")]`: the default
//!   records that it was missing, and [`parse`] turns that into the error.
//! - One answer expands to at most [`MAX_ANSWER_RECORDS`] records (page items, batch users, orgs of
//!   a user, group members, ...), counted by the readers of those lists ([`records`],
//!   [`record_map`], [`memberships`]): an 8 MiB body of tiny records cannot become a
//!   gigabyte of structs.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::ApiError;
use crate::org::{OrgMemberInfo, OrgRoleStructure};

/// Most records one answer may hold (all lists of records together).
pub const MAX_ANSWER_RECORDS: usize = 10_000;

thread_local! {
    /// Records the answer being parsed on this thread may still hold (unbounded outside
    /// [`parse`]).
    static RECORDS_LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    /// The first required id found missing by the parse on this thread.
    static MISSING_ID: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Parses an answer body: the record budget and the required ids apply.
pub(crate) fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    RECORDS_LEFT.set(MAX_ANSWER_RECORDS);
    MISSING_ID.set(None);
    let parsed = serde_json::from_str::<T>(body);
    RECORDS_LEFT.set(usize::MAX);
    let missing = MISSING_ID.take();
    // A missing id comes first: it was met before whatever stopped the parse.
    if let Some(field) = missing {
        return Err(ApiError::MalformedResponse(format!(
            "the answer lacks the required `{field}`"
        )));
    }
    parsed.map_err(|error| ApiError::MalformedResponse(error.to_string()))
}

/// Takes one record from the budget of the answer being parsed.
fn take_record<E: de::Error>() -> Result<(), E> {
    let left = RECORDS_LEFT.get();
    if left == 0 {
        return Err(E::custom(format_args!(
            "the answer holds more than {MAX_ANSWER_RECORDS} records"
        )));
    }
    RECORDS_LEFT.set(left - 1);
    Ok(())
}

/// Defaults of required ids: each records that its field was missing.
pub(crate) mod required {
    macro_rules! required_ids {
        ($($field:ident),* $(,)?) => {
            $(
                pub(crate) fn $field() -> String {
                    super::MISSING_ID.set(super::MISSING_ID.get().or(Some(stringify!($field))));
                    String::new()
                }
            )*
        };
    }

    required_ids!(
        user_id,
        org_id,
        api_key_id,
        api_key_token,
        group_id,
        url,
        access_token,
        mfa_phone_id,
    );
}

/// A required id: a non-empty string.
pub(crate) fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let id = String::deserialize(deserializer)?;
    if id.is_empty() {
        return Err(de::Error::custom("a required id is empty"));
    }
    Ok(id)
}

/// A value whose `null` reads as its default (empty lists and maps).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A list of records (`null` reads as empty), each counted against the answer's budget.
pub(crate) fn records<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Records<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Records<T> {
        type Value = Vec<T>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a list, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_seq(self)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                take_record()?;
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_option(Records(PhantomData))
}

/// A map of records by key (`null` reads as empty), each counted against the budget.
pub(crate) fn record_map<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct RecordMap<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for RecordMap<T> {
        type Value = BTreeMap<String, T>;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a map, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut items = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                take_record()?;
                items.insert(key, map.next_value()?);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_option(RecordMap(PhantomData))
}

/// A JSON array of records at the top of an answer (the batch fetches).
pub(crate) struct RecordList<T>(pub(crate) Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for RecordList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        records(deserializer).map(Self)
    }
}

/// A JSON object of records by key at the top of an answer (the OAuth tokens).
pub(crate) struct RecordsByKey<T>(pub(crate) BTreeMap<String, T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for RecordsByKey<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        record_map(deserializer).map(Self)
    }
}

/// An org membership as the backend API describes it: the token's member info, every key
/// optional (a missing or `null` one takes its default, the org id defaults to the map key).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Membership {
    org_id: Option<String>,
    org_name: Option<String>,
    url_safe_org_name: Option<String>,
    org_metadata: Option<Map<String, Value>>,
    #[serde(alias = "user_assigned_role")]
    user_role: Option<String>,
    #[serde(alias = "user_inherited_roles_plus_current_role")]
    inherited_user_roles_plus_current_role: Option<Vec<String>>,
    user_permissions: Option<Vec<String>>,
    org_role_structure: Option<OrgRoleStructure>,
    #[serde(alias = "assigned_additional_roles")]
    additional_roles: Option<Vec<String>>,
    legacy_org_id: Option<String>,
}

impl Membership {
    /// The member info, or `None` for a membership without a role (missing or `null`).
    fn into_member_info(self, key: Option<&str>) -> Option<OrgMemberInfo> {
        let role = self.user_role?;
        Some(OrgMemberInfo {
            org_id: self
                .org_id
                .or_else(|| key.map(str::to_owned))
                .unwrap_or_default(),
            org_name: self.org_name.unwrap_or_default(),
            url_safe_org_name: self.url_safe_org_name.unwrap_or_default(),
            org_metadata: self.org_metadata.unwrap_or_default(),
            user_assigned_role: role,
            user_inherited_roles_plus_current_role: self
                .inherited_user_roles_plus_current_role
                .unwrap_or_default(),
            user_permissions: self.user_permissions.unwrap_or_default(),
            org_role_structure: self.org_role_structure.unwrap_or_default(),
            assigned_additional_roles: self.additional_roles.unwrap_or_default(),
            legacy_org_id: self.legacy_org_id,
        })
    }
}

/// `org_id_to_org_info` (absent or `null`: no orgs): memberships without a role are dropped,
/// each entry counted against the budget.
pub(crate) fn memberships<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, OrgMemberInfo>, D::Error> {
    let entries: BTreeMap<String, Option<Membership>> = record_map(deserializer)?;
    Ok(entries
        .into_iter()
        .filter_map(|(org_id, membership)| {
            let member = membership?.into_member_info(Some(&org_id))?;
            Some((org_id, member))
        })
        .collect())
}

/// One membership (`user_in_org` of API key validation): `null`, or one without a role, is
/// none.
pub(crate) fn membership<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OrgMemberInfo>, D::Error> {
    Ok(Option::<Membership>::deserialize(deserializer)?
        .and_then(|membership| membership.into_member_info(None)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Default)]
    #[serde(default)]
    struct Item {
        #[serde(default = "required::user_id", deserialize_with = "id")]
        user_id: String,
        #[serde(deserialize_with = "null_as_default")]
        tags: Vec<String>,
    }

    #[derive(Debug, Deserialize, Default)]
    #[serde(default)]
    struct List {
        #[serde(deserialize_with = "records")]
        items: Vec<Item>,
    }

    fn malformed<T: std::fmt::Debug>(result: Result<T, ApiError>) -> String {
        match result {
            Err(ApiError::MalformedResponse(message)) => message,
            other => panic!("not malformed: {other:?}"),
        }
    }

    #[test]
    fn required_ids_must_be_present_and_non_empty() {
        let list: List =
            parse(r#"{"items":[{"user_id":"a","tags":null},{"user_id":"b"}]}"#).unwrap();
        let ids: Vec<&str> = list
            .items
            .iter()
            .map(|item| item.user_id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(list.items[0].tags.is_empty());
        assert!(malformed(parse::<List>(r#"{"items":[{"user_id":"a"},{}]}"#)).contains("user_id"));
        malformed(parse::<List>(r#"{"items":[{"user_id":""}]}"#));
        malformed(parse::<List>(r#"{"items":[{"user_id":null}]}"#));
        // A later parse starts clean.
        assert!(parse::<List>(r#"{"items":[]}"#).is_ok());
    }

    #[test]
    fn an_answer_holds_at_most_max_records() {
        let item = r#"{"user_id":"a"}"#;
        let body = |count: usize| format!("{{\"items\":[{}]}}", vec![item; count].join(","));
        let full: List = parse(body(MAX_ANSWER_RECORDS).as_str()).unwrap();
        assert_eq!(full.items.len(), MAX_ANSWER_RECORDS);
        assert!(
            malformed(parse::<List>(body(MAX_ANSWER_RECORDS + 1).as_str())).contains("records")
        );
        // Outside `parse`, nothing is counted.
        let outside: List = serde_json::from_str(&body(MAX_ANSWER_RECORDS + 1)).unwrap();
        assert_eq!(outside.items.len(), MAX_ANSWER_RECORDS + 1);
    }

    #[test]
    fn memberships_are_lenient_and_drop_orgs_without_a_role() {
        #[derive(Deserialize)]
        struct User {
            #[serde(deserialize_with = "memberships")]
            orgs: BTreeMap<String, OrgMemberInfo>,
        }
        let user: User = serde_json::from_str(
            r#"{"orgs":{
                "o1":{"user_role":"Admin","org_name":"One"},
                "o2":{"user_role":null,"org_name":"Two"},
                "o3":{"org_name":"Three"},
                "o4":null
            }}"#,
        )
        .unwrap();
        assert_eq!(user.orgs.keys().collect::<Vec<_>>(), ["o1"]);
        let one = &user.orgs["o1"];
        assert_eq!((one.org_id.as_str(), one.org_name.as_str()), ("o1", "One"));
        assert_eq!(one.user_assigned_role, "Admin");
        assert!(one.user_permissions.is_empty() && one.org_metadata.is_empty());
    }
}
