using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.Tests.Auth;

public sealed class ApiKeyRevocationRaceTests
{
    [Test]
    public async Task A_lookup_in_flight_when_the_key_is_revoked_is_not_cached()
    {
        var key = ApiKeyFormat.Generate();
        var active = new ApiKeyRecord("key_1", "ten_1", "k", ApiKeyFormat.Hash(key), ["proxy:invoke"], "2026-12-04T00:00:00.000Z", null);
        var revoked = active with { RevokedAt = "2026-12-04T00:00:01.000Z" };
        var release = new TaskCompletionSource();
        var revokedInStore = false;
        var authenticator = new ApiKeyAuthenticator(async (_, _) =>
        {
            if (revokedInStore) return revoked;
            await release.Task;
            return active; // read before the revocation committed
        }, TimeProvider.System);

        var inFlight = authenticator.AuthenticateAsync(key, CancellationToken.None);
        revokedInStore = true;
        authenticator.Forget(active.KeyHash);
        release.SetResult();
        await inFlight;

        Assert.That(await authenticator.AuthenticateAsync(key, CancellationToken.None), Is.Null, "the revocation wins over the stale read");
    }
}
