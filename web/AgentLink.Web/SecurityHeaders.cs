namespace AgentLink.Web;

/// <summary>
/// Headers on every answer of the public origin. The app is built with no inline script (Vite emits
/// module files), so the policy allows scripts from this origin only; styles likewise, apart from the
/// style attributes React sets through the DOM, which a policy does not govern. Nothing may frame the
/// page. The API reference page (Scalar) runs inline script, so it gets only the framing and sniffing rules.
/// The one other origin is attachments' Blob Storage: the page uploads to it (connect) and shows its
/// images (img), through short-lived SAS URLs.
/// </summary>
public static class SecurityHeaders
{
    public static string PagePolicy(string? blobOrigin)
    {
        var blob = string.IsNullOrEmpty(blobOrigin) ? "" : " " + blobOrigin;
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{blob}; font-src 'self'; " +
            $"connect-src 'self'{blob}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>scheme://host[:port] of the configured attachments storage, or null when attachments are off.</summary>
    public static string? BlobOrigin(AgentLink.Core.Options.FilesOptions files)
    {
        if (!files.Enabled) return null;
        try
        {
            var uri = new Azure.Storage.Blobs.BlobServiceClient(files.BlobConnectionString).Uri;
            return uri.GetLeftPart(UriPartial.Authority);
        }
        catch (FormatException) { return null; }
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = PagePolicy(BlobOrigin(app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentLink.Core.Options.FilesOptions>>().Value));
        return app.Use((http, next) => Apply(http, next, policy));
    }

    private static Task Apply(HttpContext http, RequestDelegate next, string policy)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs")
            ? "frame-ancestors 'none'"
            : policy;
        return next(http);
    }
}
