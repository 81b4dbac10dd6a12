//! The JSON schemas of [`User`], [`OrgMemberInfo`] and `LoginMethod` for API docs: utoipa's
//! `ToSchema` (feature `utoipa`) and schemars' `JsonSchema` (feature `schemars`), both built
//! from the one description below, which follows what serde writes (see the `Serialize` impls
//! in `user.rs` and `org.rs`): every field of `User` but `metadata` is always written, `null`
//! when unset; `metadata` is left out when unset; `login_method` is an object whose other
//! keys depend on the method.
//!
//! The conformance tests validate real serialized users against the published documents of
//! the four frameworks, so this description cannot drift from the serde output unnoticed.

use crate::org::OrgMemberInfo;
use crate::user::{LoginMethod, SamlProvider, SocialProvider, User};

/// A schema, in the few shapes the three types need.
enum Shape {
    String,
    /// A string with one of these values.
    Enum(Vec<&'static str>),
    Array(Box<Shape>),
    /// An object whose values all have this shape (a map).
    Map(Box<Shape>),
    /// Any JSON value.
    Any,
    /// One of the three named schemas.
    Ref(Named),
    /// An object with exactly these properties (no others).
    Object(Vec<Field>),
    /// Exactly one of these.
    OneOf(Vec<Shape>),
}

/// The named schemas, registered once in the document and referenced elsewhere.
#[derive(Clone, Copy)]
enum Named {
    User,
    OrgMemberInfo,
    LoginMethod,
}

impl Named {
    fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::OrgMemberInfo => "OrgMemberInfo",
            Self::LoginMethod => "LoginMethod",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::User => "The user an access token was issued to.",
            Self::OrgMemberInfo => "A user's membership of one organization.",
            Self::LoginMethod => {
                "How the user logged in: `login_method` names the method; `provider` (social \
                 and SAML login), `org_id` (SAML) and `api_key_metadata` (personal API key, \
                 when the key has metadata) complete it."
            }
        }
    }

    fn shape(self) -> Shape {
        match self {
            Self::User => user(),
            Self::OrgMemberInfo => org_member_info(),
            Self::LoginMethod => login_method(),
        }
    }
}

/// A property of an object.
struct Field {
    name: &'static str,
    shape: Shape,
    /// Always written (`false`: left out when unset).
    required: bool,
    /// May be `null`.
    nullable: bool,
    description: &'static str,
}

fn field(name: &'static str, shape: Shape, description: &'static str) -> Field {
    Field {
        name,
        shape,
        required: true,
        nullable: false,
        description,
    }
}

/// Always written, `null` when unset.
fn nullable(name: &'static str, shape: Shape, description: &'static str) -> Field {
    Field {
        nullable: true,
        ..field(name, shape, description)
    }
}

fn strings() -> Shape {
    Shape::Array(Box::new(Shape::String))
}

fn user() -> Shape {
    Shape::Object(vec![
        field("user_id", Shape::String, "The user's id."),
        field(
            "org_id_to_org_member_info",
            Shape::Map(Box::new(Shape::Ref(Named::OrgMemberInfo))),
            "The user's organizations, by org id.",
        ),
        nullable("email", Shape::String, "The user's email address."),
        nullable("first_name", Shape::String, "First name."),
        nullable("last_name", Shape::String, "Last name."),
        nullable("username", Shape::String, "Username."),
        nullable(
            "properties",
            Shape::Map(Box::new(Shape::Any)),
            "Custom user properties configured in PropelAuth.",
        ),
        Field {
            required: false,
            ..field(
                "metadata",
                Shape::Any,
                "The token's `metadata` claim, as sent; left out when the token has none.",
            )
        },
        nullable(
            "legacy_user_id",
            Shape::String,
            "The user's id in a system migrated from.",
        ),
        nullable(
            "impersonator_user_id",
            Shape::String,
            "Set when an employee is impersonating this user.",
        ),
        field(
            "login_method",
            Shape::Ref(Named::LoginMethod),
            "How the user logged in.",
        ),
        nullable(
            "active_org_id",
            Shape::String,
            "The org the token was minted for (tokens for one active org).",
        ),
    ])
}

fn org_member_info() -> Shape {
    Shape::Object(vec![
        field("org_id", Shape::String, "The org's id."),
        field("org_name", Shape::String, "The org's display name."),
        field(
            "url_safe_org_name",
            Shape::String,
            "The org's URL-safe name.",
        ),
        field(
            "org_metadata",
            Shape::Map(Box::new(Shape::Any)),
            "The org's metadata.",
        ),
        field(
            "user_assigned_role",
            Shape::String,
            "The role assigned to the user in this org.",
        ),
        field(
            "user_inherited_roles_plus_current_role",
            strings(),
            "The assigned role and every role below it in the hierarchy.",
        ),
        field(
            "user_permissions",
            strings(),
            "The user's permissions in this org.",
        ),
        field(
            "org_role_structure",
            Shape::Enum(vec!["single_role_in_hierarchy", "multi_role"]),
            "How roles are assigned in the project.",
        ),
        field(
            "assigned_additional_roles",
            strings(),
            "Extra roles (multi-role projects only).",
        ),
        nullable(
            "legacy_org_id",
            Shape::String,
            "The org's id in a system migrated from.",
        ),
    ])
}

fn login_method() -> Shape {
    let method =
        |names: Vec<&'static str>| field("login_method", Shape::Enum(names), "The method.");
    let providers =
        |names: Vec<&'static str>| field("provider", Shape::Enum(names), "The provider.");
    Shape::OneOf(vec![
        Shape::Object(vec![method(
            LoginMethod::WITHOUT_DETAILS
                .iter()
                .map(LoginMethod::name)
                .collect(),
        )]),
        Shape::Object(vec![
            method(vec!["social_sso"]),
            providers(
                SocialProvider::ALL
                    .iter()
                    .map(SocialProvider::as_str)
                    .collect(),
            ),
        ]),
        Shape::Object(vec![
            method(vec!["saml_sso"]),
            providers(SamlProvider::ALL.iter().map(SamlProvider::as_str).collect()),
            field(
                "org_id",
                Shape::String,
                "The org whose SAML connection was used.",
            ),
        ]),
        Shape::Object(vec![
            method(vec!["personal_api_key"]),
            Field {
                required: false,
                ..field(
                    "api_key_metadata",
                    Shape::Map(Box::new(Shape::Any)),
                    "The key's custom metadata, when it has some.",
                )
            },
        ]),
    ])
}

#[cfg(feature = "utoipa")]
mod utoipa_schemas {
    //! utoipa (OpenAPI 3.1): a nullable value is typed `[T, "null"]`.

    use std::borrow::Cow;

    use utoipa::openapi::schema::{
        AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
    };
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::{Field, Named, OrgMemberInfo, Shape, User};
    use crate::user::LoginMethod;

    fn typed(ty: Type, nullable: bool) -> SchemaType {
        if nullable {
            SchemaType::from_iter([ty, Type::Null])
        } else {
            SchemaType::Type(ty)
        }
    }

    fn build(shape: &Shape, nullable: bool, description: Option<&str>) -> RefOr<Schema> {
        let schema = match shape {
            Shape::String => ObjectBuilder::new()
                .schema_type(typed(Type::String, nullable))
                .description(description)
                .into(),
            Shape::Enum(values) => ObjectBuilder::new()
                .schema_type(typed(Type::String, nullable))
                .enum_values(Some(values.iter().copied()))
                .description(description)
                .into(),
            Shape::Array(items) => ArrayBuilder::new()
                .schema_type(typed(Type::Array, nullable))
                .items(build(items, false, None))
                .description(description)
                .into(),
            Shape::Map(values) => {
                let values = match values.as_ref() {
                    Shape::Any => AdditionalProperties::FreeForm(true),
                    other => AdditionalProperties::RefOr(build(other, false, None)),
                };
                ObjectBuilder::new()
                    .schema_type(typed(Type::Object, nullable))
                    .additional_properties(Some(values))
                    .description(description)
                    .into()
            }
            Shape::Any => ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .description(description)
                .into(),
            Shape::Ref(named) => {
                return RefOr::Ref(Ref::from_schema_name(named.name()));
            }
            Shape::Object(fields) => object(fields, description),
            Shape::OneOf(alternatives) => {
                let mut one_of = OneOfBuilder::new().description(description);
                for alternative in alternatives {
                    one_of = one_of.item(build(alternative, false, None));
                }
                one_of.into()
            }
        };
        RefOr::T(schema)
    }

    fn object(fields: &[Field], description: Option<&str>) -> Schema {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
            .description(description);
        for field in fields {
            object = object.property(
                field.name,
                build(&field.shape, field.nullable, Some(field.description)),
            );
            if field.required {
                object = object.required(field.name);
            }
        }
        object.into()
    }

    fn named(named: Named) -> RefOr<Schema> {
        build(&named.shape(), false, Some(named.description()))
    }

    macro_rules! to_schema {
        ($ty:ty, $named:expr, [$($nested:ty),*]) => {
            impl PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    named($named)
                }
            }

            impl ToSchema for $ty {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed($named.name())
                }

                // Unused by the types that nest no named schema.
                #[allow(unused_variables)]
                fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                    $(
                        schemas.push((<$nested as ToSchema>::name().into_owned(), <$nested as PartialSchema>::schema()));
                        <$nested as ToSchema>::schemas(schemas);
                    )*
                }
            }
        };
    }

    to_schema!(User, Named::User, [OrgMemberInfo, LoginMethod]);
    to_schema!(OrgMemberInfo, Named::OrgMemberInfo, []);
    to_schema!(LoginMethod, Named::LoginMethod, []);
}

#[cfg(feature = "schemars")]
mod schemars_schemas {
    //! schemars 0.8 (JSON Schema, or OpenAPI 3.0 as rocket_okapi sets it up): nullability as
    //! the generator's settings ask, `nullable: true` or the `null` type.

    use schemars::JsonSchema;
    use schemars::r#gen::SchemaGenerator;
    use schemars::schema::{
        ArrayValidation, InstanceType, Metadata, ObjectValidation, Schema, SchemaObject,
        SingleOrVec, SubschemaValidation,
    };
    use serde_json::Value;

    use super::{Field, Named, OrgMemberInfo, Shape, User};
    use crate::user::LoginMethod;

    fn build(
        generator: &mut SchemaGenerator,
        shape: &Shape,
        nullable: bool,
        description: Option<&str>,
    ) -> Schema {
        let mut schema = SchemaObject {
            metadata: description.map(|description| {
                Box::new(Metadata {
                    description: Some(description.to_owned()),
                    ..Metadata::default()
                })
            }),
            ..SchemaObject::default()
        };
        let ty = match shape {
            Shape::String => Some(InstanceType::String),
            Shape::Enum(values) => {
                schema.enum_values = Some(values.iter().map(|&value| value.into()).collect());
                Some(InstanceType::String)
            }
            Shape::Array(items) => {
                schema.array = Some(Box::new(ArrayValidation {
                    items: Some(SingleOrVec::Single(Box::new(build(
                        generator, items, false, None,
                    )))),
                    ..ArrayValidation::default()
                }));
                Some(InstanceType::Array)
            }
            Shape::Map(values) => {
                let values = match values.as_ref() {
                    Shape::Any => Schema::Bool(true),
                    other => build(generator, other, false, None),
                };
                schema.object = Some(Box::new(ObjectValidation {
                    additional_properties: Some(Box::new(values)),
                    ..ObjectValidation::default()
                }));
                Some(InstanceType::Object)
            }
            Shape::Any => None,
            Shape::Ref(named) => {
                return match named {
                    Named::User => generator.subschema_for::<User>(),
                    Named::OrgMemberInfo => generator.subschema_for::<OrgMemberInfo>(),
                    Named::LoginMethod => generator.subschema_for::<LoginMethod>(),
                };
            }
            Shape::Object(fields) => {
                schema.object = Some(Box::new(object(generator, fields)));
                Some(InstanceType::Object)
            }
            Shape::OneOf(alternatives) => {
                let one_of = alternatives
                    .iter()
                    .map(|alternative| build(generator, alternative, false, None))
                    .collect();
                schema.subschemas = Some(Box::new(SubschemaValidation {
                    one_of: Some(one_of),
                    ..SubschemaValidation::default()
                }));
                None
            }
        };
        if let Some(ty) = ty {
            schema.instance_type = Some(if nullable && generator.settings().option_add_null_type {
                SingleOrVec::Vec(vec![ty, InstanceType::Null])
            } else {
                SingleOrVec::Single(Box::new(ty))
            });
        }
        if nullable && generator.settings().option_nullable {
            schema
                .extensions
                .insert("nullable".to_owned(), Value::Bool(true));
        }
        Schema::Object(schema)
    }

    fn object(generator: &mut SchemaGenerator, fields: &[Field]) -> ObjectValidation {
        let mut object = ObjectValidation {
            additional_properties: Some(Box::new(Schema::Bool(false))),
            ..ObjectValidation::default()
        };
        for field in fields {
            let schema = build(
                generator,
                &field.shape,
                field.nullable,
                Some(field.description),
            );
            object.properties.insert(field.name.to_owned(), schema);
            if field.required {
                object.required.insert(field.name.to_owned());
            }
        }
        object
    }

    macro_rules! json_schema {
        ($ty:ty, $named:expr) => {
            impl JsonSchema for $ty {
                fn schema_name() -> String {
                    $named.name().to_owned()
                }

                fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                    build(
                        generator,
                        &$named.shape(),
                        false,
                        Some($named.description()),
                    )
                }
            }
        };
    }

    json_schema!(User, Named::User);
    json_schema!(OrgMemberInfo, Named::OrgMemberInfo);
    json_schema!(LoginMethod, Named::LoginMethod);
}
