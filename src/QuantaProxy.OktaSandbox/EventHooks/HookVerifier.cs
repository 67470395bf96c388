using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// Okta's one-time verification: a GET to the hook with a random <c>X-Okta-Verification-Challenge</c>, answered within the timeout
/// with <c>{"verification": "&lt;the same value&gt;"}</c>; one retry after a failure.
/// </summary>
internal sealed class HookVerifier(HookHttp http)
{
    /// <summary>Null when the hook proved it is there; otherwise why not.</summary>
    public async Task<string?> VerifyAsync(EventHook hook, CancellationToken ct)
    {
        string? failure = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var challenge = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var answer = await http.CallAsync(hook, json: null, challenge, ct);
            failure = answer.Succeeded ? Check(answer.Body, challenge) : answer.Failure ?? $"the hook answered {answer.Status}";
            if (failure is null) return null;
        }
        return failure;
    }

    private static string? Check(string? body, string challenge)
    {
        try
        {
            using var document = JsonDocument.Parse(body ?? "");
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("verification", out var value) || value.ValueKind != JsonValueKind.String)
                return "the answer has no 'verification' value";
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value.GetString()!), Encoding.UTF8.GetBytes(challenge))
                ? null
                : "the 'verification' value is not the challenge";
        }
        catch (JsonException)
        {
            return "the answer is not JSON";
        }
    }
}
