using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// Writes a JSON tree back out as bytes with one deliberate defect at one place. Works on bytes, not strings, because
/// several defects (invalid UTF-8) cannot exist in a .NET string. Paths look like <c>$.secret.token</c> or <c>$.scopes[0]</c>.
/// </summary>
public abstract record JsonMutation(string Path)
{
    /// <summary>The value at <see cref="JsonMutation.Path"/> is written as <paramref name="Raw"/> (any bytes).</summary>
    public sealed record ReplaceValue(string Path, byte[] Raw) : JsonMutation(Path);

    /// <summary>The member at <see cref="JsonMutation.Path"/> appears a second time, then with <paramref name="Raw"/> as its value.</summary>
    public sealed record DuplicateMember(string Path, byte[] Raw) : JsonMutation(Path);

    /// <summary>The member name at <see cref="JsonMutation.Path"/> is written as <paramref name="RawName"/> (quotes included).</summary>
    public sealed record ReplaceName(string Path, byte[] RawName) : JsonMutation(Path);

    public static byte[] Apply(JsonNode root, JsonMutation? mutation)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(root, "$", mutation, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Every value below the root, with its path and whether it is a member of the root object.</summary>
    public static IEnumerable<(string Path, JsonNode? Node, string? TopLevelMember)> Values(JsonNode root)
    {
        var pending = new Stack<(string, JsonNode?, string?)>();
        Push(root, "$", null, pending);
        while (pending.Count > 0)
        {
            var (path, node, top) = pending.Pop();
            yield return (path, node, top);
            Push(node, path, top, pending);
        }
    }

    /// <summary>Every object member (not array items), for mutations of names and duplicates.</summary>
    public static IEnumerable<string> Members(JsonNode root) =>
        Values(root).Where(v => !v.Path.EndsWith(']')).Select(v => v.Path);

    private static void Push(JsonNode? node, string path, string? top, Stack<(string, JsonNode?, string?)> pending)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.Reverse()) pending.Push(($"{path}.{name}", child, top ?? (path == "$" ? name : null)));
                break;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--) pending.Push(($"{path}[{i}]", array[i], top));
                break;
        }
    }

    private static void Write(JsonNode? node, string path, JsonMutation? mutation, ArrayBufferWriter<byte> output)
    {
        if (mutation is ReplaceValue replace && replace.Path == path)
        {
            output.Write(replace.Raw);
            return;
        }
        switch (node)
        {
            case JsonObject obj:
                output.Write("{"u8);
                var first = true;
                foreach (var (name, child) in obj)
                {
                    var childPath = $"{path}.{name}";
                    if (!first) output.Write(","u8);
                    first = false;
                    WriteName(name, childPath, mutation, output);
                    Write(child, childPath, mutation, output);
                    if (mutation is DuplicateMember duplicate && duplicate.Path == childPath)
                    {
                        output.Write(","u8);
                        WriteName(name, childPath, null, output);
                        output.Write(duplicate.Raw);
                    }
                }
                output.Write("}"u8);
                break;
            case JsonArray array:
                output.Write("["u8);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Write(","u8);
                    Write(array[i], $"{path}[{i}]", mutation, output);
                }
                output.Write("]"u8);
                break;
            default:
                output.Write(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null"));
                break;
        }
    }

    private static void WriteName(string name, string path, JsonMutation? mutation, ArrayBufferWriter<byte> output)
    {
        output.Write(mutation is ReplaceName rename && rename.Path == path ? rename.RawName : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name)));
        output.Write(":"u8);
    }

    /// <summary>The JSON kind of a node, so a "wrong type" is never the right one.</summary>
    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;
}
