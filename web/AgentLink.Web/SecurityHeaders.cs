namespace AgentLink.Web;

/// <summary>
/// Headers on every answer of the public origin. The app is built with no inline script (Vite emits
/// module files), so the policy allows scripts from this origin only; styles likewise, apart from the
/// style attributes React sets through the DOM, which a policy does not govern. Nothing may frame the
/// page. The API reference page (Scalar) runs inline script, so it gets only the framing and sniffing rules.
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs")
            ? "frame-ancestors 'none'"
            : PagePolicy;
        return next(http);
    });
}
