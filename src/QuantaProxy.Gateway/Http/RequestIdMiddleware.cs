using QuantaProxy.Crypto.Formats;

namespace QuantaProxy.Gateway.Http;

/// <summary>Every response carries <c>X-Request-Id</c>: the caller's when it is well-formed, else a new <c>req_</c> id.</summary>
public sealed class RequestIdMiddleware(RequestDelegate next, TimeProvider time)
{
    public const string Header = "X-Request-Id";
    private const int MaxLength = 64;
    private static readonly object Key = new();

    public Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[Header];
        var id = supplied.Count == 1 && IsAcceptable(supplied[0]) ? supplied[0]! : PrefixedId.New(PrefixedId.Request, time.GetUtcNow());
        context.Items[Key] = id;
        context.Response.Headers[Header] = id;
        return next(context);
    }

    public static string? Get(HttpContext context) => context.Items.TryGetValue(Key, out var v) ? v as string : null;

    /// <summary>Echoed ids are bounded and limited to a safe alphabet, so they cannot inject headers or log lines.</summary>
    private static bool IsAcceptable(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')) return false;
        return true;
    }
}
