namespace QuantaProxy.Gateway.Errors;

/// <summary>The stable <c>code</c> values of problem+json answers. Clients branch on these, never on text.</summary>
public static class ProblemCodes
{
    public const string Unauthenticated = "unauthenticated";
    public const string InsufficientScope = "insufficient_scope";
    public const string NotFound = "not_found";
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RequestTimeout = "request_timeout";
    public const string Conflict = "conflict";
    public const string KmsUnavailable = "kms_unavailable";
    public const string AuditUnavailable = "audit_unavailable";
    public const string StorageUnavailable = "storage_unavailable";
    public const string NoEnvelopeKey = "no_envelope_key";
    public const string IntegrationNotFound = "integration_not_found";
    public const string CredentialNotFound = "credential_not_found";
    public const string OperationNotAllowed = "operation_not_allowed";
    public const string UnknownOperation = "unknown_operation";
    public const string InvalidPayload = "invalid_payload";
    public const string InvalidOktaDomain = "invalid_okta_domain";
    public const string ScopesDoNotCoverOperations = "scopes_do_not_cover_operations";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string IdempotencyQuotaExceeded = "idempotency_quota_exceeded";
    public const string RateLimited = "rate_limited";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Internal = "internal_error";
}
