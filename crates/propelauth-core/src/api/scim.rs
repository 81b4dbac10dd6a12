//! scim calls of the backend API (see backend-api.md).
