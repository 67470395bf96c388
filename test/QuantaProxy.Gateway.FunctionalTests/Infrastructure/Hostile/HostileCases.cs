using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// Generates the sweep, family by family, for every mapped endpoint. Each family draws from its own
/// <see cref="Random"/> seeded from <see cref="Seed"/> and the family's number, so a family's cases are the same
/// whichever tests run and in whatever order. Cases are yielded lazily: the large ones never all sit in memory at once.
/// </summary>
public sealed class HostileCases(IReadOnlyList<MappedEndpoint> endpoints, string tenantId, string adminKey, string tenantKey, int maxBodyBytes)
{
    public const int Seed = 20_251_122;

    /// <summary>Prefixes of the ids in route parameters, by parameter name.</summary>
    private static readonly Dictionary<string, string> IdPrefixes = new(StringComparer.Ordinal)
    {
        ["tenantId"] = "ten_", ["credentialId"] = "vlt_", ["integrationId"] = "int_", ["apiKeyId"] = "key_", ["eventId"] = "aud_",
    };

    private IEnumerable<MappedEndpoint> JsonEndpoints => endpoints.Where(e => e.IsApi && e.TakesJson);

    private static Random RandomFor(int family) => new(Seed + family);

    private string Key(Random random) => random.Next(2) == 0 ? adminKey : tenantKey;

    /// <summary>A well-formed id that names nothing (or the sweep's own tenant), so only the defect under test is wrong.</summary>
    private string NormalValue(string parameter) => parameter == "tenantId" ? tenantId
        : IdPrefixes.TryGetValue(parameter, out var prefix) ? prefix + "01HZZZZZZZZZZZZZZZZZZZZZZZ" : "sweep";

    private string Path(MappedEndpoint e) => e.Fill(NormalValue);

    private HostileCase Body(string family, string what, MappedEndpoint e, byte[] body, Random random) =>
        new(family, $"{what} on {e}", new HttpMethod(e.Method), Path(e), Key(random)) { Body = body };

    /// <summary>Every proper prefix of a valid body, from empty to one byte short.</summary>
    public IEnumerable<HostileCase> Truncated()
    {
        var random = RandomFor(1);
        foreach (var e in JsonEndpoints)
        {
            var whole = JsonMutation.Apply(SampleBodies.For(e, tenantId), null);
            for (var cut = 0; cut < whole.Length; cut++)
                yield return Body("truncated", $"cut at {cut}/{whole.Length}", e, whole[..cut], random);
        }
    }

    /// <summary>Each field (at any depth) given a value of every other JSON kind.</summary>
    public IEnumerable<HostileCase> WrongTypes()
    {
        var random = RandomFor(2);
        foreach (var e in JsonEndpoints)
        {
            var sample = SampleBodies.For(e, tenantId);
            foreach (var (path, node, top) in JsonMutation.Values(sample))
            {
                var kind = JsonMutation.KindOf(node);
                foreach (var wrong in HostileInputs.WrongTypes)
                {
                    var wrongKind = JsonMutation.KindOf(JsonNode.Parse(wrong));
                    if (wrongKind == kind || (wrongKind is JsonValueKind.True && kind is JsonValueKind.False)) continue;
                    // null for an optional top-level member means "absent", which is not a wrong type.
                    if (wrongKind == JsonValueKind.Null && path == "$." + top && e.MayBeNull(top!)) continue;
                    yield return Body("wrong-type", $"{path}={wrong}", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, Encoding.UTF8.GetBytes(wrong))), random);
                }
            }
        }
    }

    /// <summary>10,000 levels of nesting as the whole body and as each field's value, and an unclosed one.</summary>
    public IEnumerable<HostileCase> DeeplyNested()
    {
        const int depth = 10_000;
        var random = RandomFor(3);
        foreach (var e in JsonEndpoints)
        {
            yield return Body("deep", "10,000 nested arrays", e, HostileInputs.Nested('[', ']', depth), random);
            yield return Body("deep", "10,000 nested objects", e, HostileInputs.NestedObjects(depth), random);
            yield return Body("deep", "10,000 unclosed arrays", e, Encoding.ASCII.GetBytes(new string('[', depth)), random);
            var sample = SampleBodies.For(e, tenantId);
            foreach (var (path, _, _) in JsonMutation.Values(sample))
                yield return Body("deep", $"{path}=10,000 nested arrays", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, HostileInputs.Nested('[', ']', depth))), random);
        }
    }

    /// <summary>Strings, arrays and objects past every field limit, and bodies past the body limit (413).</summary>
    public IEnumerable<HostileCase> Huge()
    {
        var random = RandomFor(4);
        var overBody = maxBodyBytes + 4096;
        foreach (var e in JsonEndpoints)
        {
            var sample = SampleBodies.For(e, tenantId);
            var firstString = JsonMutation.Values(sample).First(v => JsonMutation.KindOf(v.Node) == JsonValueKind.String).Path;
            yield return Body("huge", "a string past the body limit", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(firstString, HostileInputs.LongString("a", overBody))), random);
            yield return Body("huge", "an array past the body limit", e, HostileInputs.LongArray("1", overBody / 2 + 1), random);
            yield return Body("huge", "zero bytes past the body limit", e, new byte[overBody], random);
            yield return Body("huge", "20,000 unknown members", e,
                Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"m{i}\":{i}")) + "}"), random);
            foreach (var (path, node, _) in JsonMutation.Values(sample))
            {
                switch (JsonMutation.KindOf(node))
                {
                    case JsonValueKind.String:
                        yield return Body("huge", $"{path}=300,000 characters", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, HostileInputs.LongString("a", Math.Min(300_000, maxBodyBytes / 3)))), random);
                        yield return Body("huge", $"{path}=100,000 four-byte characters", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, HostileInputs.LongString("\U0001F600", Math.Min(100_000, maxBodyBytes / 8)))), random);
                        break;
                    case JsonValueKind.Array:
                        yield return Body("huge", $"{path}=100,000 items", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, HostileInputs.LongArray("\"a\"", Math.Min(100_000, maxBodyBytes / 8)))), random);
                        break;
                    case JsonValueKind.Object:
                        yield return Body("huge", $"{path}=5,000 members", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path,
                            Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, 5_000).Select(i => $"\"m{i}\":\"v\"")) + "}"))), random);
                        break;
                }
            }
        }
    }

    /// <summary>Control characters, lone surrogates and invalid UTF-8 inside every string value and member name.</summary>
    public IEnumerable<HostileCase> BadText()
    {
        var random = RandomFor(5);
        var injections = HostileInputs.TextInjections().ToList();
        foreach (var e in JsonEndpoints)
        {
            var sample = SampleBodies.For(e, tenantId);
            foreach (var (path, node, _) in JsonMutation.Values(sample))
            {
                if (JsonMutation.KindOf(node) != JsonValueKind.String) continue;
                var original = node!.GetValue<string>();
                foreach (var (name, bytes) in injections)
                {
                    // Where in the value the defect sits varies by draw: start, middle or end.
                    var at = random.Next(original.Length + 1);
                    var raw = HostileInputs.StringWith(original[..at], [.. bytes, .. Encoding.UTF8.GetBytes(original[at..])]);
                    yield return Body("text", $"{path} with {name}", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, raw)), random);
                }
            }
            foreach (var member in JsonMutation.Members(sample))
            {
                var name = member[(member.LastIndexOf('.') + 1)..];
                foreach (var (what, bytes) in injections.OrderBy(_ => random.Next()).Take(6))
                    yield return Body("text", $"name of {member} with {what}", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceName(member, HostileInputs.StringWith(name, bytes))), random);
            }
        }
    }

    /// <summary>Every member sent twice, with the same value and with another one.</summary>
    public IEnumerable<HostileCase> DuplicateKeys()
    {
        var random = RandomFor(6);
        foreach (var e in JsonEndpoints)
        {
            var sample = SampleBodies.For(e, tenantId);
            foreach (var (path, node, _) in JsonMutation.Values(sample).Where(v => !v.Path.EndsWith(']')))
            {
                var same = Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");
                yield return Body("duplicate", $"{path} twice, same value", e, JsonMutation.Apply(sample, new JsonMutation.DuplicateMember(path, same)), random);
                yield return Body("duplicate", $"{path} twice, other value", e, JsonMutation.Apply(sample, new JsonMutation.DuplicateMember(path, "\"other\""u8.ToArray())), random);
            }
        }
    }

    /// <summary>Out-of-range and non-JSON numbers in every field.</summary>
    public IEnumerable<HostileCase> BadNumbers()
    {
        var random = RandomFor(7);
        foreach (var e in JsonEndpoints)
        {
            var sample = SampleBodies.For(e, tenantId);
            foreach (var (path, _, _) in JsonMutation.Values(sample))
                foreach (var number in HostileInputs.BadNumbers)
                    yield return Body("number", $"{path}={(number.Length > 20 ? number[..20] + "…" : number)}", e, JsonMutation.Apply(sample, new JsonMutation.ReplaceValue(path, Encoding.ASCII.GetBytes(number))), random);
        }
    }

    /// <summary>A valid body under a missing or wrong Content-Type.</summary>
    public IEnumerable<HostileCase> WrongContentTypes()
    {
        var random = RandomFor(8);
        foreach (var e in JsonEndpoints)
        {
            var body = JsonMutation.Apply(SampleBodies.For(e, tenantId), null);
            foreach (var type in HostileInputs.WrongContentTypes)
                yield return Body("content-type", $"Content-Type {(type is null ? "missing" : $"'{(type.Length > 40 ? type[..40] + "…" : type)}'")}", e, body, random) with { ContentType = type };
        }
    }

    /// <summary>Every method not mapped on each path, on every path (API or not).</summary>
    public IEnumerable<HostileCase> WrongMethods()
    {
        foreach (var group in endpoints.GroupBy(e => e.Template))
        {
            var mapped = group.Select(e => e.Method).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var path = Path(group.First());
            foreach (var method in HostileInputs.Methods.Where(m => !mapped.Contains(m)))
                yield return new HostileCase("method", $"{method} not mapped on {group.Key}", new HttpMethod(method), path, group.First().IsApi ? tenantKey : null);
        }
    }

    /// <summary>Malformed, foreign, overlong and encoded-attack values in every route parameter of every API endpoint.</summary>
    public IEnumerable<HostileCase> BadPathIds()
    {
        var random = RandomFor(9);
        foreach (var e in endpoints.Where(e => e.IsApi && e.Parameters.Count > 0))
        {
            foreach (var parameter in e.Parameters)
            {
                var prefix = IdPrefixes.GetValueOrDefault(parameter, "x_");
                var foreign = IdPrefixes.Values.First(p => p != prefix);
                (string What, string Value, bool Kestrel)[] values =
                [
                    ("empty", "", false), ("space", "%20", false), ("short", "x", false), ("prefix only", prefix, false),
                    ("upper-case prefix", prefix.ToUpperInvariant() + "01HZZZZZZZZZZZZZZZZZZZZZZZ", false),
                    ("another type's prefix", foreign + "01HZZZZZZZZZZZZZZZZZZZZZZZ", false),
                    ("lower-case", prefix + "01hzzzzzzzzzzzzzzzzzzzzzzz", false), ("one too long", prefix + "01HZZZZZZZZZZZZZZZZZZZZZZZZ", false),
                    ("letters outside the alphabet", prefix + "01HZZZZZZZZZZZZZZZZZZZZZUL", false), ("NUL", prefix + "01HZZ%00", true),
                    ("traversal", "..%2F..%2Fetc%2Fpasswd", false), ("dot-dot", "%2e%2e", false), ("bad escape", "%ZZ", false),
                    ("invalid UTF-8", "%C3%28", false), ("bytes FF FE", "%FF%FE", false), ("emoji", "%F0%9F%92%A9", false),
                    ("right-to-left override", prefix + "%E2%80%AE01HZZ", false), ("SQL", "'%20OR%201=1--", false), ("semicolon", ";DROP%20TABLE%20x", false),
                    ("CRLF", "x%0d%0aX-Injected:%201", true), ("braces", "%7B" + parameter + "%7D", false), ("3,000 characters", new string('x', 3000), false),
                    ("past the request-line limit", new string('x', 9000), true), ("random junk", RandomJunk(random), true),
                ];
                foreach (var (what, value, kestrel) in values)
                {
                    var path = e.Fill(p => p == parameter ? value : NormalValue(p));
                    yield return new HostileCase("path-id", $"{parameter} {what} on {e}", new HttpMethod(e.Method), path, Key(random))
                    {
                        Body = e.TakesJson ? JsonMutation.Apply(SampleBodies.For(e, tenantId), null) : null,
                        KestrelMayRefuse = kestrel,
                    };
                }
            }
        }
    }

    /// <summary>URL-safe printable junk of random length (percent-encoded where needed).</summary>
    private static string RandomJunk(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        return string.Concat(bytes.Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Headers past Kestrel's size and count limits on every endpoint; oversized and repeated API keys on API endpoints.</summary>
    public IEnumerable<HostileCase> OversizedHeaders()
    {
        var random = RandomFor(10);
        foreach (var e in endpoints)
        {
            var method = new HttpMethod(e.Method);
            var path = Path(e);
            var body = e.TakesJson ? JsonMutation.Apply(SampleBodies.For(e, tenantId), null) : null;
            var key = e.IsApi ? Key(random) : null;
            yield return new HostileCase("headers", $"one 40 KiB header on {e}", method, path, key)
            {
                Body = body, Headers = [("X-Padding", new string('p', 40 * 1024))], KestrelMayRefuse = true,
            };
            yield return new HostileCase("headers", $"100 headers on {e}", method, path, key)
            {
                Body = body, Headers = [.. Enumerable.Range(0, 100).Select(i => ($"X-Extra-{i}", "v"))], KestrelMayRefuse = true,
            };
            yield return new HostileCase("headers", $"a 33 KiB cookie on {e}", method, path, key)
            {
                Body = body, Headers = [("Cookie", "c=" + new string('c', 33 * 1024))], KestrelMayRefuse = true,
            };
            if (!e.IsApi) continue;
            yield return new HostileCase("headers", $"an 8 KiB API key on {e}", method, path, "qp_live_" + new string('A', 8 * 1024)) { Body = body };
            yield return new HostileCase("headers", $"the API key twice on {e}", method, path, null)
            {
                Body = body, Headers = [("X-API-Key", tenantKey), ("X-API-Key", tenantKey)],
            };
            yield return new HostileCase("headers", $"an API key with a control character on {e}", method, path, tenantKey[..20] + "\u0001" + tenantKey[21..])
            {
                Body = body, KestrelMayRefuse = true,
            };
            if (e.TakesJson)
            {
                yield return new HostileCase("headers", $"an 8 KiB Content-Type on {e}", method, path, key)
                {
                    Body = body, ContentType = "application/json; p=" + new string('q', 8 * 1024),
                };
            }
        }
    }

    /// <summary>Hostile query strings: the admin key naming a malformed tenant, and out-of-range numbers for the audit endpoints' numeric parameters.</summary>
    public IEnumerable<HostileCase> BadQueries()
    {
        string[] tenants =
        [
            "", "x", "ten_", "%00", "ten_01HZZ%00", "%FF", "ten_01HZZZZZZZZZZZZZZZZZZZZZZZ&tenant_id=ten_01HZZZZZZZZZZZZZZZZZZZZZZY",
            new string('t', 3000), "ten_01hzzzzzzzzzzzzzzzzzzzzzzz", "ten_01HZZZZZZZZZZZZZZZZZZZZZZZ", "%E2%80%AE", "'%20OR%201=1--",
        ];
        foreach (var e in endpoints.Where(e => e.IsApi && e.Method is "GET" or "DELETE" && !e.Parameters.Contains("tenantId")))
        {
            var path = Path(e);
            // Admin keys and the catalog belong to no tenant: the admin key needs no tenant_id there, and ignores one.
            if (path.StartsWith("/api/v2/admin-keys", StringComparison.Ordinal) || path == "/api/v2/catalog") continue;
            yield return new HostileCase("query", $"admin key without tenant_id on {e}", new HttpMethod(e.Method), path, adminKey);
            foreach (var tenant in tenants)
                yield return new HostileCase("query", $"tenant_id={(tenant.Length > 30 ? tenant[..30] + "…" : tenant)} on {e}", new HttpMethod(e.Method), path + "?tenant_id=" + tenant, adminKey)
                {
                    KestrelMayRefuse = tenant.Contains("%00", StringComparison.Ordinal),
                };
        }
        // The numeric query parameters, by route; a value inside its range is not hostile, so only out-of-range ones.
        (string Template, string Parameter)[] numeric =
        [
            ("/api/v2/audit/events", "limit"), ("/api/v2/audit/events", "after"), ("/api/v2/audit/consistency", "from"), ("/api/v2/audit/consistency", "to"),
            ("/api/v2/audit/events/{eventId}/proof", "tree_size"),
        ];
        string[] numbers = ["1e400", "-0", "-1", "99999999999999999999999", "9223372036854775808", "", "abc", "1,2", "%201", "+1", "0x10", "1.5", "%D9%A1", "1&{0}=2"];
        foreach (var (template, parameter) in numeric)
        {
            var e = endpoints.Single(x => x.Template == template && x.Method == "GET");
            foreach (var number in numbers)
                yield return new HostileCase("query", $"{parameter}={number} on {e}", HttpMethod.Get, $"{Path(e)}?{parameter}={number.Replace("{0}", parameter, StringComparison.Ordinal)}", tenantKey);
        }
    }

    /// <summary>Every family in order.</summary>
    public static readonly IReadOnlyList<string> Families =
        ["truncated", "wrong-type", "deep", "huge", "text", "duplicate", "number", "content-type", "method", "path-id", "headers", "query"];

    public IEnumerable<HostileCase> Family(string name) => name switch
    {
        "truncated" => Truncated(),
        "wrong-type" => WrongTypes(),
        "deep" => DeeplyNested(),
        "huge" => Huge(),
        "text" => BadText(),
        "duplicate" => DuplicateKeys(),
        "number" => BadNumbers(),
        "content-type" => WrongContentTypes(),
        "method" => WrongMethods(),
        "path-id" => BadPathIds(),
        "headers" => OversizedHeaders(),
        "query" => BadQueries(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such family"),
    };
}
