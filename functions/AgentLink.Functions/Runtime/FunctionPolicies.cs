namespace AgentLink.Functions.Runtime;

/// <summary>Who may call an HTTP function. Every one declares it with <see cref="CallerAttribute"/>.</summary>
public enum Caller
{
    /// <summary>No credentials: sign-up, sign-in, agent registration, health, the API description.</summary>
    Anyone,

    /// <summary>A person, by session cookie or "Authorization: Bearer" session token.</summary>
    Person,

    /// <summary>An agent, by its API key as "Authorization: Bearer alk_...". A session never acts as an agent.</summary>
    Agent,

    /// <summary>An MQTT broker asking the auth hooks, by the shared hook secret.</summary>
    Broker,
}

/// <summary>
/// The cross-cutting rules of one function, declared beside its trigger and enforced by
/// <see cref="FunctionGate"/> in both runtimes (worker middleware and the standalone mapping).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CallerAttribute(Caller caller) : Attribute
{
    public Caller Caller { get; } = caller;
}

/// <summary>
/// The least role the caller must hold in the workspace of the route's {workspaceId}
/// (owner > admin > member > viewer). Not a member at all is 404, as if the workspace did not exist.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WorkspaceRoleAttribute(string minimum) : Attribute
{
    public string Minimum { get; } = minimum;
}

/// <summary>Where the gate finds the workspace a licensed function acts in.</summary>
public enum WorkspaceFrom
{
    /// <summary>The route's {workspaceId}.</summary>
    Route,

    /// <summary>The workspace of the route's {taskId}.</summary>
    Task,

    /// <summary>The workspace of the route's {skillId}.</summary>
    Skill,

    /// <summary>The "workspaceId" of the JSON body.</summary>
    Body,

    /// <summary>The workspace of the invite whose token is the body's "inviteToken".</summary>
    Invite,

    /// <summary>The workspace that claimed the calling agent's key.</summary>
    AgentKey,

    /// <summary>The workspace of the route's audit {runId}.</summary>
    AuditRun,
}

/// <summary>
/// Agent work, refused with 402 <c>license_paused</c> while the workspace is paused (billing on, trial over,
/// no active subscription). Checked after the caller and before the function, so it runs nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LicensedAttribute(WorkspaceFrom from) : Attribute
{
    public WorkspaceFrom From { get; } = from;
}

/// <summary>A named rate-limit policy (<see cref="RateLimitPolicies"/>); over it the caller gets 429.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

/// <summary>Largest request body, in bytes; without it, AgentLink:Limits:MaxRequestBodyBytes.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BodyLimitAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}

/// <summary>How long the function may run; without it, host.json's functionTimeout.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TimeoutAttribute(int seconds) : Attribute
{
    public TimeSpan Timeout { get; } = TimeSpan.FromSeconds(seconds);
}

/// <summary>The JSON body the function reads (for the API description); optional bodies may be absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JsonBodyAttribute(Type type, bool required = true) : Attribute
{
    public Type Type { get; } = type;

    public bool Required { get; } = required;
}

/// <summary>A query parameter the function reads (for the API description).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryAttribute(string name, Type type, string description) : Attribute
{
    public string Name { get; } = name;

    public Type Type { get; } = type;

    public string Description { get; } = description;
}
