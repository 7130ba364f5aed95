using System.Security.Cryptography.X509Certificates;
using AgentLink.Core.Options;

namespace AgentLink.MqttBridge.Broker;

/// <summary>The embedded broker's TLS certificate, from a .pfx file or a PEM certificate and key.</summary>
public static class BrokerCertificate
{
    public static X509Certificate2 Load(MqttOptions o)
    {
        var path = o.TlsCertificatePath!;
        if (!File.Exists(path))
            throw new InvalidOperationException($"AgentLink:Mqtt:TlsCertificatePath: no file at '{path}'.");
        X509Certificate2 certificate;
        if (!string.IsNullOrWhiteSpace(o.TlsKeyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(path, o.TlsKeyPath);
            // Exported and re-imported so the key is usable by SslStream on every platform.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        else
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, o.TlsCertificatePassword);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException("AgentLink:Mqtt:TlsCertificatePath: the certificate has no private key (use a .pfx, or set AgentLink:Mqtt:TlsKeyPath).");
        return certificate;
    }
}
