using System.Net;

namespace AgentLink.Tests.Infrastructure;

/// <summary>What a browser or agent does with an upload ticket: PUT the bytes straight to Blob Storage (Azurite here).</summary>
public static class BlobUpload
{
    private static readonly HttpClient Http = new();

    /// <summary>PUTs the bytes to the ticket's uploadUrl as a block blob; Azurite answers 201.</summary>
    public static async Task PutAsync(System.Text.Json.JsonElement ticket, byte[] bytes)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, ticket.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(bytes) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var stored = await Http.SendAsync(put);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
    }
}
