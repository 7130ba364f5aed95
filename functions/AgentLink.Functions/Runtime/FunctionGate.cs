using AgentLink.Core.Hosting;
using AgentLink.Core.Options;
using AgentLink.Core.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// Enforces what a function declares (time-out, body size, rate limit, caller, workspace role, license)
/// and turns whatever it throws into a ProblemDetails with a code. The one implementation both
/// runtimes call: <see cref="WorkerGateMiddleware"/> under the Functions host, and
/// <see cref="StandaloneFunctions"/> on Kestrel. A refused call never reaches the function.
/// </summary>
public sealed class FunctionGate(
    HostJson hostJson, IOptions<ChatLimits> limits, FunctionRateLimiter rateLimiter, NpgsqlDataSource dataSource,
    LicenseGate licenseGate, ILogger<FunctionGate> logger)
{
    private static readonly object RoleKey = new();

    /// <summary>Runs <paramref name="invoke"/> under the function's policies; returns the result to send.</summary>
    public async Task<IResult> RunAsync(HttpContext http, HttpFunction function, Func<Task<object?>> invoke)
    {
        var policy = function.Policy;
        var callerAborted = http.RequestAborted;
        using var timeout = new CancellationTokenSource(policy.Timeout ?? hostJson.FunctionTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerAborted, timeout.Token);
        // Functions take their token from the request (in both runtimes), so the time-out reaches every await.
        http.RequestAborted = linked.Token;
        try
        {
            if (await AdmitAsync(http, function) is { } refused) return refused;
            var result = await invoke();
            return result as IResult ?? throw new InvalidOperationException($"{function.Name} returned {result?.GetType().Name ?? "null"}, not an IResult.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !callerAborted.IsCancellationRequested)
        {
            logger.LogWarning("Function {Function} timed out after {Timeout}", function.Name, policy.Timeout ?? hostJson.FunctionTimeout);
            return ApiProblem.Of(StatusCodes.Status504GatewayTimeout, ErrorCodes.Timeout, "The request took too long and was stopped; try again.");
        }
        catch (OperationCanceledException) when (callerAborted.IsCancellationRequested)
        {
            // The caller went away; nobody reads the answer.
            return Results.Empty;
        }
        catch (InvalidTextException text)
        {
            return ApiProblem.InvalidText(text.Field);
        }
        catch (Exception ex) when (DbFailures.IsRefusedValue(ex))
        {
            // A value the database refused is the input's fault; see DbFailures for why the pool is cleared.
            logger.LogWarning(ex, "Function {Function}: PostgreSQL refused a value", function.Name);
            DbFailures.AfterRefusedValue(dataSource, ex);
            return ApiProblem.BadRequest(ErrorCodes.InvalidRequest, "A value in the request cannot be stored.");
        }
        catch (Exception ex) when (DbFailures.IsUnavailable(ex))
        {
            // The database (or Redis) is away or restarting: not the request's fault, and worth retrying.
            logger.LogWarning(ex, "Function {Function}: a store is unavailable", function.Name);
            http.Response.Headers.RetryAfter = "2";
            return ApiProblem.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable,
                "The service is briefly unavailable (its database is restarting or unreachable); try again in a few seconds.");
        }
        catch (BadHttpRequestException bad)
        {
            var (code, detail) = ProblemDetailsDefaults.Describe(bad, bad.StatusCode);
            return ApiProblem.Of(bad.StatusCode, code, detail ?? "The request could not be read.");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Function {Function} failed", function.Name);
            return ApiProblem.Of(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "Something went wrong on our side.");
        }
        finally
        {
            http.RequestAborted = callerAborted;
        }
    }

    /// <summary>Null when the call may proceed, else the refusal.</summary>
    private async Task<IResult?> AdmitAsync(HttpContext http, HttpFunction function)
    {
        var policy = function.Policy;
        // Text the database cannot store, in the route or the query, whatever the function reads.
        foreach (var (name, value) in http.Request.RouteValues)
            if (value is string text && TextRules.HasNul(text)) return ApiProblem.InvalidText(name);
        foreach (var (name, values) in http.Request.Query)
            if (TextRules.HasNul(name) || values.Any(TextRules.HasNul)) return ApiProblem.InvalidText(TextRules.HasNul(name) ? "query" : name);
        var maxBody = policy.BodyLimit ?? limits.Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength > maxBody)
        {
            // The body stays unread, so this connection cannot carry another request: say so, or a
            // keep-alive client sends its next request into a connection the server is closing.
            http.Response.Headers.Connection = "close";
            return ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The request body is larger than {maxBody} bytes.");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = maxBody;
        RequestBody.SetLimit(http, maxBody);

        // Per-address limits go before authentication (an anonymous flood costs no session lookup).
        if (policy.RateLimit is { } early && rateLimiter.PartitionOf(early) == FunctionRateLimiter.Partition.ClientAddress
            && await LimitAsync(http, early) is { } tooMany)
            return tooMany;

        switch (policy.Caller)
        {
            case Caller.Person:
                if (!await AuthenticateAsync(http, SessionAuthenticationHandler.SchemeName))
                    return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, "Sign in first.");
                break;
            case Caller.Agent:
                if (!await AuthenticateAsync(http, AgentKeyAuthenticationHandler.SchemeName))
                    return http.Request.Headers.Authorization.Count == 0
                        ? ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, "Send your agent API key as \"Authorization: Bearer alk_...\".")
                        : ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidApiKey, "That API key is not valid.");
                break;
            case Caller.Broker:
                if (Mqtt.BrokerHookSecret.Refuse(http) is { } refusal) return refusal;
                break;
            case Caller.Anyone:
                break;
            default:
                throw new InvalidOperationException($"{function.Name} declares no [Caller].");
        }

        if (policy.RateLimit is { } late && rateLimiter.PartitionOf(late) == FunctionRateLimiter.Partition.Caller
            && await LimitAsync(http, late) is { } overLimit)
            return overLimit;

        if (policy.WorkspaceRole is { } minimum)
        {
            if (!Guid.TryParse(http.Request.RouteValues["workspaceId"]?.ToString(), out var workspaceId))
                throw new InvalidOperationException($"{function.Name} declares a workspace role but its route has no {{workspaceId}}.");
            await using var conn = await dataSource.OpenConnectionAsync(http.RequestAborted);
            var role = await WorkspaceAccess.RoleAsync(conn, workspaceId, http.User.UserId(), http.RequestAborted);
            if (role is null) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
            if (Roles.Rank(role) < Roles.Rank(minimum))
                return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, $"This needs the {minimum} role or higher in the workspace.");
            http.Items[RoleKey] = role;
        }
        if (policy.Licensed is { } from && await licenseGate.RefuseAsync(http, from) is { } paused) return paused;
        return null;
    }

    private async Task<IResult?> LimitAsync(HttpContext http, string policy)
    {
        if (await rateLimiter.TryAcquireAsync(http, policy) is not { } retryAfter) return null;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return ApiProblem.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests; wait a little and try again.");
    }

    /// <summary>Authenticates with the scheme unless an earlier step of the pipeline already did.</summary>
    private static async Task<bool> AuthenticateAsync(HttpContext http, string scheme)
    {
        if (http.User.Identity is { IsAuthenticated: true } identity && identity.AuthenticationType == scheme) return true;
        var result = await http.AuthenticateAsync(scheme);
        if (!result.Succeeded) return false;
        http.User = result.Principal;
        return true;
    }

    /// <summary>The caller's role in the route's workspace, as checked by [WorkspaceRole].</summary>
    public static string WorkspaceRole(HttpContext http) =>
        http.Items[RoleKey] as string ?? throw new InvalidOperationException("The function declares no [WorkspaceRole].");
}
