using System.Text;
using AgentLink.Tests.Infrastructure;
using Azure.Storage.Blobs;

namespace AgentLink.Tests.Functions;

/// <summary>infra/stack.sh runs Azurite: the storage the Functions host needs (AzureWebJobsStorage) and files will live in.</summary>
public sealed class StorageEmulatorTests
{
    [Fact]
    public async Task The_stacks_Azurite_stores_and_returns_a_blob()
    {
        var container = new BlobServiceClient(TestEnvironment.Storage).GetBlobContainerClient($"t{Guid.NewGuid():N}");
        await container.CreateAsync();
        try
        {
            var blob = container.GetBlobClient("hello.txt");
            await blob.UploadAsync(new BinaryData(Encoding.UTF8.GetBytes("hello from the stack")));
            var read = await blob.DownloadContentAsync();
            Assert.Equal("hello from the stack", read.Value.Content.ToString());
        }
        finally
        {
            await container.DeleteAsync();
        }
    }
}
