using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>An SSWS client for one sandbox that follows <c>Link: rel="next"</c> the way Okta's SDKs do: as an opaque URL.</summary>
internal sealed class SandboxClient(Uri baseAddress, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("SSWS", token) } };

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string pathAndQuery, string? json = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(HttpResponseMessage Response, JsonNode? Body)> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    /// <summary>Every page from <paramref name="first"/> on, following next links (at most <paramref name="maxPages"/>), and the URLs followed.</summary>
    public async Task<(List<JsonObject> Items, List<string> Links)> AllPagesAsync(string first, int maxPages = 1000)
    {
        var items = new List<JsonObject>();
        var links = new List<string>();
        string? next = first;
        while (next is not null)
        {
            Assert.That(links, Has.Count.LessThan(maxPages), $"still paging after {maxPages} pages: {next}");
            var (response, body) = await GetAsync(next);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body?.ToJsonString());
            items.AddRange(body!.AsArray().Select(i => i!.AsObject()));
            next = NextLink(response);
            if (next is not null) links.Add(next);
        }
        return (items, links);
    }

    /// <summary>The absolute URL of the next link, or null.</summary>
    public static string? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.Select(l => l.Split(';')).Where(p => p.Skip(1).Any(a => a.Trim() == "rel=\"next\"")).Select(p => p[0].Trim().Trim('<', '>')).FirstOrDefault()
            : null;

    public void Dispose() => _http.Dispose();
}
