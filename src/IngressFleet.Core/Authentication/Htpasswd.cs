using System.Collections.Frozen;
using System.Text;
using k8s.Models;

namespace IngressFleet.Core.Authentication;

/// <summary>
/// The users of a basic-auth Secret: an htpasswd file (<c>user:hash</c> lines, as <c>htpasswd</c> writes them) in
/// key <c>auth</c>, or an auth map (one key per user, the hash as its value). Entries in a format
/// <see cref="PasswordHash"/> does not verify are left out and reported; so are malformed lines.
/// </summary>
public static class Htpasswd
{
    /// <summary>Most entries read from one Secret.</summary>
    public const int MaxUsers = 10_000;

    /// <summary>Reads <c>user:hash</c> lines; later duplicates are ignored, as nginx takes the first match.</summary>
    public static (FrozenDictionary<string, string> Users, List<string> Problems) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                problems.Add($"line {number} is not user:hash");
                continue;
            }

            Add(users, problems, line[..colon], line[(colon + 1)..], $"line {number}");
        }

        return (users.ToFrozenDictionary(StringComparer.Ordinal), problems);
    }

    /// <summary>
    /// The entries of <paramref name="secret"/> as canonical sorted <c>user:hash</c> lines (its <c>stringData</c>
    /// over its <c>data</c>), with what was left out; null lines when it holds no usable entry.
    /// </summary>
    public static (string? Credentials, List<string> Problems) Read(V1Secret secret, bool authMap)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            data[key] = Encoding.UTF8.GetString(value ?? []);
        }

        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
        {
            data[key] = value ?? string.Empty;
        }

        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (authMap)
        {
            foreach (var (user, hash) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Add(users, problems, user, hash.Trim(), $"key {user}");
            }
        }
        else if (data.TryGetValue("auth", out var file))
        {
            var (parsed, lineProblems) = Parse(file);
            problems.AddRange(lineProblems);
            foreach (var (user, hash) in parsed)
            {
                users[user] = hash;
            }
        }
        else
        {
            problems.Add("it has no key \"auth\" (an htpasswd file); with auth-secret-type: auth-map, each key is a user");
        }

        var lines = users.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}");
        return (users.Count == 0 ? null : string.Join('\n', lines), problems);
    }

    private static void Add(Dictionary<string, string> users, List<string> problems, string user, string hash, string where)
    {
        if (users.Count >= MaxUsers)
        {
            problems.Add($"{where}: more than {MaxUsers} users; the rest are left out");
        }
        else if (user.Contains(':', StringComparison.Ordinal) || user.Any(char.IsControl))
        {
            problems.Add($"{where}: the user name is not usable");
        }
        else if (PasswordHash.Format(hash) is null)
        {
            problems.Add($"{where}: user {user}: the hash is in a format IngressFleet does not verify (bcrypt, apr1, $1$, $5$, $6$, DES crypt, {{SHA}}, {{SSHA}} and {{PLAIN}} are); this user cannot log in");
        }
        else
        {
            users.TryAdd(user, hash);
        }
    }
}
