using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Tokens;

public sealed class TokenDurationTests
{
    [Theory]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1H10M", 4200)]
    [InlineData(" 10m ", 600)]
    [InlineData("00:10:00", 600)]
    [InlineData("1.00:00:00", 86400)]
    public void ParsesGoStyleDurationsAndTimeSpans(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TokenDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten minutes")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("m10")]
    [InlineData("-5m")]
    public void RefusesWhatIsNotADuration(string text)
    {
        Assert.False(TokenDuration.TryParse(text, out _));
        var ex = Assert.Throws<FormatException>(() => TokenDuration.Parse(text));
        Assert.Contains("10m, 1h, 1h30m", ex.Message);
    }

    [Fact]
    public void TenMinutesIsTheMinimum()
    {
        Assert.Equal(600, TokenDuration.ToExpirationSeconds(TimeSpan.FromMinutes(10)));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TokenDuration.ToExpirationSeconds(TimeSpan.FromSeconds(599)));
        Assert.Contains("9m59s", ex.Message);
        Assert.Contains("minimum of 10 minutes", ex.Message);
    }

    [Fact]
    public void RefusesMoreThanTwoToTheThirtySecondSecondsAndFractions()
    {
        Assert.Equal(1L << 32, TokenDuration.ToExpirationSeconds(TimeSpan.FromSeconds(1L << 32)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenDuration.ToExpirationSeconds(TimeSpan.FromSeconds((1L << 32) + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenDuration.ToExpirationSeconds(TimeSpan.FromMilliseconds(600_500)));
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(600, "10m")]
    [InlineData(86461, "1d1m1s")]
    [InlineData(0, "0s")]
    public void DescribesCompactly(int seconds, string expected)
    {
        Assert.Equal(expected, TokenDuration.Describe(TimeSpan.FromSeconds(seconds)));
    }
}
