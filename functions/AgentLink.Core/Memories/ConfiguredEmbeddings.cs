using System.ClientModel;
using AgentLink.Core.Options;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentLink.Core.Memories;

/// <summary>Embedding generators other than the offline default, from AgentLink:Memories:Embeddings.</summary>
public static class ConfiguredEmbeddings
{
    /// <summary>An OpenAI-compatible embeddings endpoint (Azure OpenAI text-embedding-3-small, OpenAI, Ollama), asking for the configured dimensions.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> OpenAi(EmbeddingOptions options) =>
        new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "none" : options.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(options.Endpoint!) })
            .GetEmbeddingClient(options.Model!).AsIEmbeddingGenerator(options.Dimensions);
}
