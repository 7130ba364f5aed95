namespace AgentLink.Core.Http;

/// <summary>
/// Stable error codes carried in every ProblemDetails body as "code", so that
/// clients switch on them instead of on prose. Never rename one; add new ones.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidJson = "invalid_json";
    public const string ValidationFailed = "validation_failed";
    public const string InvalidText = "invalid_text";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Unauthenticated = "unauthenticated";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string InternalError = "internal_error";
    public const string Timeout = "request_timeout";
    public const string Unavailable = "service_unavailable";

    public const string EmailTaken = "email_taken";
    public const string SessionNotFound = "session_not_found";
    public const string WorkspaceNotFound = "workspace_not_found";
    public const string MemberNotFound = "member_not_found";
    public const string UserNotFound = "user_not_found";
    public const string InviteNotFound = "invite_not_found";
    public const string InviteExpired = "invite_expired";
    public const string ChannelNotFound = "channel_not_found";
    public const string ChannelNameTaken = "channel_name_taken";
    public const string TaskNotFound = "task_not_found";
    public const string NotAssignee = "not_assignee";
    public const string SkillNotFound = "skill_not_found";
    public const string ChannelArchived = "channel_archived";
    public const string NotChannelMember = "not_channel_member";
    public const string MessageNotFound = "message_not_found";
    public const string MessageDeleted = "message_deleted";
    public const string InvalidParent = "invalid_parent";
    public const string RoleTooLow = "role_too_low";
    public const string OwnerImmutable = "owner_immutable";
    public const string CannotDmSelf = "cannot_dm_self";
    public const string CannotLeaveDm = "cannot_leave_dm";

    public const string InvalidApiKey = "invalid_api_key";
    public const string RegistrationNotFound = "registration_not_found";
    public const string ClaimExpired = "claim_expired";
    public const string AgentAlreadyClaimed = "agent_already_claimed";
    public const string AgentNotClaimed = "agent_not_claimed";
    public const string AgentNotFound = "agent_not_found";
    public const string AgentIdTaken = "agent_id_taken";

    /// <summary>An MCP request with a key of several agents and no X-AgentLink-Agent header naming one.</summary>
    public const string AgentRequired = "agent_required";
    public const string InvalidHookSecret = "invalid_hook_secret";
    public const string HooksDisabled = "hooks_disabled";

    public const string LicensePaused = "license_paused";
    public const string BillingDisabled = "billing_disabled";
    public const string NoBillingCustomer = "no_billing_customer";
    public const string InvalidSignature = "invalid_signature";
    public const string PaymentProviderUnavailable = "payment_provider_unavailable";

    public const string AttachmentsDisabled = "attachments_disabled";
    public const string AttachmentNotFound = "attachment_not_found";
    public const string FileTooLarge = "file_too_large";
    public const string UploadMissing = "upload_missing";
    public const string ContentTypeMismatch = "content_type_mismatch";

    public const string MemoryNotFound = "memory_not_found";
    public const string AuditNotFound = "audit_not_found";

    /// <summary>The workspace's chosen judge cannot judge yet: no LLM endpoint and model, or no auditor agent.</summary>
    public const string JudgeNotConfigured = "judge_not_configured";
}
