using System.Text;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>Opens an envelope the way a tenant does: with its bundle, checking the request id it was answered under.</summary>
public static class EnvelopeTestOpener
{
    public static byte[] Open(string bundleJson, byte[] envelope, string expectedRequestId)
    {
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(bundleJson));
        var opened = new EnvelopeOpener(bundle).Open(envelope);
        Assert.That(opened.RequestId, Is.EqualTo(expectedRequestId), "the envelope answers this request");
        Assert.That(opened.IssuedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(2)));
        return opened.Plaintext;
    }
}
