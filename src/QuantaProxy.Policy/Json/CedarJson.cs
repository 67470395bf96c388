using System.Text.Json;
using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Extensions;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Json;

/// <summary>
/// Reads Cedar's JSON formats for values, entity uids, entities and context (the formats the Cedar CLI and cedar-wasm
/// take): numbers are Longs, arrays sets, objects records, <c>{"__entity": {"type", "id"}}</c> an entity reference and
/// <c>{"__extn": {"fn": "ip"|"decimal", "arg": "…"}}</c> an extension value. Throws <see cref="FormatException"/>.
/// </summary>
public static class CedarJson
{
    /// <summary>JSON deeper than this is refused, bounding the recursion here and in value comparison later.</summary>
    public const int MaxDepth = 64;

    public static Value ReadValue(JsonElement json) => ReadValue(json, 0);

    private static Value ReadValue(JsonElement json, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"JSON value nested deeper than {MaxDepth}.");
        }
        switch (json.ValueKind)
        {
            case JsonValueKind.True:
                return BoolValue.True;
            case JsonValueKind.False:
                return BoolValue.False;
            case JsonValueKind.Number:
                return json.TryGetInt64(out var l) ? new LongValue(l) : throw new FormatException($"`{json.GetRawText()}` is not a 64-bit integer.");
            case JsonValueKind.String:
                return new StringValue(json.GetString()!);
            case JsonValueKind.Array:
                return new SetValue(json.EnumerateArray().Select(e => ReadValue(e, depth + 1)).ToList());
            case JsonValueKind.Object:
                if (TrySingleProperty(json, "__entity", out var entity))
                {
                    return ReadEntityUid(entity);
                }
                if (TrySingleProperty(json, "__extn", out var extn))
                {
                    return ReadExtension(extn);
                }
                var attrs = new List<KeyValuePair<string, Value>>();
                foreach (var p in json.EnumerateObject())
                {
                    attrs.Add(new(p.Name, ReadValue(p.Value, depth + 1)));
                }
                try
                {
                    return new RecordValue(attrs);
                }
                catch (ArgumentException e)
                {
                    throw new FormatException(e.Message, e);
                }
            default:
                throw new FormatException($"JSON {json.ValueKind} is not a Cedar value.");
        }
    }

    private static bool TrySingleProperty(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        var count = 0;
        foreach (var p in obj.EnumerateObject())
        {
            count++;
            if (p.Name == name)
            {
                value = p.Value;
            }
        }
        return count == 1 && value.ValueKind != JsonValueKind.Undefined;
    }

    private static Value ReadExtension(JsonElement extn)
    {
        var fn = extn.TryGetProperty("fn", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw new FormatException("`__extn` needs a string `fn`.");
        string arg;
        if (extn.TryGetProperty("arg", out var a) && a.ValueKind == JsonValueKind.String)
        {
            arg = a.GetString()!;
        }
        else if (extn.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array && args.GetArrayLength() == 1 && args[0].ValueKind == JsonValueKind.String)
        {
            arg = args[0].GetString()!;
        }
        else
        {
            throw new FormatException("`__extn` needs a string `arg`.");
        }
        switch (fn)
        {
            case "ip":
                return IpAddressParser.TryParse(arg, out var ip) ? ip! : throw new FormatException($"invalid IP address `{arg}`.");
            case "decimal":
                return DecimalParser.TryParse(arg, out var d, out var error) ? d! : throw new FormatException(error);
            default:
                throw new FormatException($"unknown extension function `{fn}`.");
        }
    }

    /// <summary>An entity uid, as <c>{"type", "id"}</c> or <c>{"__entity": {"type", "id"}}</c>.</summary>
    public static EntityUid ReadEntityUid(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Object && TrySingleProperty(json, "__entity", out var inner))
        {
            json = inner;
        }
        if (json.ValueKind != JsonValueKind.Object ||
            !json.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String ||
            !json.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"`{json.GetRawText()}` is not an entity uid (needs string `type` and `id`).");
        }
        var t = type.GetString()!;
        return t.Length == 0 ? throw new FormatException("entity type is empty.") : new EntityUid(t, id.GetString()!);
    }

    /// <summary>A context: a JSON object of Cedar values.</summary>
    public static RecordValue ReadContext(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && ReadValue(json) is RecordValue r ? r : throw new FormatException("context must be a JSON object of attributes.");

    /// <summary>An entities array: <c>[{"uid": …, "attrs": {…}, "parents": [uid…]}]</c>.</summary>
    public static EntityStore ReadEntities(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("entities must be a JSON array.");
        }
        var list = new List<Entity>();
        foreach (var e in json.EnumerateArray())
        {
            var uid = ReadEntityUid(e.GetProperty("uid"));
            var attrs = e.TryGetProperty("attrs", out var a) ? ReadContext(a) : RecordValue.Empty;
            var parents = e.TryGetProperty("parents", out var p) ? p.EnumerateArray().Select(ReadEntityUid).ToList() : [];
            list.Add(new Entity(uid, attrs.Attributes, parents));
        }
        try
        {
            return new EntityStore(list);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }
}
