using System.Globalization;
using System.Text.RegularExpressions;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Token lifetimes as operators write them: Go-style durations as <c>kubectl create token --duration</c> takes
/// them (<c>10m</c>, <c>1h</c>, <c>1h30m</c>, <c>90s</c>, <c>1.5h</c>, plus <c>d</c> for days) or .NET TimeSpan
/// strings (<c>00:10:00</c>, <c>1.00:00:00</c>).
/// </summary>
public static class TokenDuration
{
    /// <summary>The TokenRequest API's minimum: a shorter <c>expirationSeconds</c> is 422 "may not specify a
    /// duration less than 10 minutes" (pkg/apis/authentication/validation/validation.go).</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(10);

    /// <summary>The largest value <c>expirationSeconds</c> (int64 seconds) is allowed to carry here: 2^32 seconds
    /// (kube-apiserver refuses more: pkg/apis/authentication/validation/validation.go).</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(1L << 32);

    private static readonly Regex GoDuration = new(
        @"^(?:(?<value>\d+(?:\.\d+)?|\.\d+)(?<unit>d|h|m|s))+$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex GoDurationPart = new(
        @"(?<value>\d+(?:\.\d+)?|\.\d+)(?<unit>d|h|m|s)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> saying what is accepted.</summary>
    public static TimeSpan Parse(string? text)
    {
        if (TryParse(text, out var duration))
        {
            return duration;
        }
        if (text is { Length: > 0 } && text.Trim().All(char.IsDigit))
        {
            throw new FormatException(
                $"'{text.Trim()}' has no unit. Use a value such as 10m, 1h, 1h30m, 90s or a TimeSpan such as 00:10:00.");
        }
        throw new FormatException(
            $"'{text}' is not a duration. Use a value such as 10m, 1h, 1h30m, 90s or a TimeSpan such as 00:10:00.");
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }

        if (GoDuration.IsMatch(trimmed))
        {
            double seconds = 0;
            foreach (Match part in GoDurationPart.Matches(trimmed))
            {
                var value = double.Parse(part.Groups["value"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                seconds += value * char.ToLowerInvariant(part.Groups["unit"].Value[0]) switch
                {
                    'd' => 86400d,
                    'h' => 3600d,
                    'm' => 60d,
                    _ => 1d,
                };
            }
            if (seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        // A bare number is ambiguous (seconds? minutes?): refuse it rather than guess.
        if (trimmed.All(char.IsDigit))
        {
            return false;
        }
        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>
    /// The one home of the TokenRequest API's bounds on <c>spec.expirationSeconds</c>
    /// (pkg/apis/authentication/validation/validation.go, ValidateTokenRequest): why <paramref name="duration"/>
    /// would be refused, as a sentence for the user, or null when the API accepts it.
    /// </summary>
    public static string? Problem(TimeSpan duration)
    {
        if (duration < Minimum)
        {
            return $"The token lifetime {Describe(duration)} is shorter than the TokenRequest API's minimum of 10 minutes.";
        }
        if (duration > Maximum)
        {
            return $"The token lifetime {Describe(duration)} is longer than the TokenRequest API allows (2^32 seconds).";
        }
        if (duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return $"The token lifetime {Describe(duration)} is not a whole number of seconds; the TokenRequest API counts whole seconds.";
        }
        return null;
    }

    /// <summary>
    /// Returns a requested lifetime in whole seconds, the unit of <c>spec.expirationSeconds</c>, or throws
    /// <see cref="ArgumentOutOfRangeException"/> whose message is exactly the <see cref="Problem"/> sentence (no
    /// parameter name or value appended, so callers can show it as it is).
    /// </summary>
    public static long ToExpirationSeconds(TimeSpan duration)
    {
        if (Problem(duration) is { } problem)
        {
            throw new ArgumentOutOfRangeException(problem, (Exception?)null);
        }
        return (long)duration.TotalSeconds;
    }

    /// <summary><c>1h30m</c>, <c>10m</c>, <c>45s</c>: the compact form used in messages and output.</summary>
    public static string Describe(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return "-" + Describe(duration.Negate());
        }
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }
        var parts = new List<string>();
        if (duration.Days > 0) parts.Add(duration.Days.ToString(CultureInfo.InvariantCulture) + "d");
        if (duration.Hours > 0) parts.Add(duration.Hours.ToString(CultureInfo.InvariantCulture) + "h");
        if (duration.Minutes > 0) parts.Add(duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
        var seconds = duration.Seconds + duration.Milliseconds / 1000d;
        if (seconds > 0) parts.Add(seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s");
        return string.Concat(parts);
    }
}
