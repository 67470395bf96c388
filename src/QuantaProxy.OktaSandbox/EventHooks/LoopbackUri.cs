using System.Net;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// The sandbox calls only hooks on this machine: an <c>http</c> or <c>https</c> URI whose host is a loopback address or
/// <c>localhost</c>, so a test org can never be made to send requests elsewhere.
/// </summary>
internal static class LoopbackUri
{
    public const int MaxLength = 2048;

    /// <summary>Why the URI is refused, or null when it is allowed.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "The field cannot be left blank";
        if (text.Length > MaxLength || !Uri.TryCreate(text, UriKind.Absolute, out var uri)) return "The URI is not valid";
        if (uri.Scheme is not ("http" or "https")) return "The URI must use http or https";
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0) return "The URI must not carry user information or a fragment";
        var loopback = uri.IsLoopback && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.IsLoopback(IPAddress.Parse(uri.IdnHost))
            : string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase));
        return loopback ? null : "The sandbox only calls event hooks on a loopback address (127.0.0.0/8, ::1 or localhost)";
    }
}
