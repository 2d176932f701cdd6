using SaTools.Engine.Connection;

namespace SaTools.Engine.Tests.Connection;

public sealed class TokenIdentityTests
{
    internal static string Jwt(string subject)
    {
        static string B64(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64("""{"alg":"RS256","kid":"k"}""")}.{B64($$"""{"sub":"{{subject}}","exp":4102444800}""")}.c2ln";
    }

    [Fact]
    public void ReadsTheSubjectOfAJwt() =>
        Assert.Equal("system:serviceaccount:kube-system:default", TokenIdentity.SubjectOf(Jwt("system:serviceaccount:kube-system:default")));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdef.0123456789abcdef")] // a bootstrap token
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public void AnythingElseHasNoSubject(string? token) => Assert.Null(TokenIdentity.SubjectOf(token));
}
