using System.Management.Automation;
using SaTools.Engine.Tokens;

namespace SaTools.Commands;

/// <summary>Lets <c>-Duration</c> take <c>10m</c>, <c>1h</c>, <c>1h30m</c> as well as a TimeSpan. A bare number is
/// refused: PowerShell would read it as ticks.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class TokenDurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan span:
                return span;
            case string text:
                try
                {
                    return TokenDuration.Parse(text);
                }
                catch (FormatException e)
                {
                    throw new ArgumentTransformationMetadataException(e.Message, e);
                }
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or System.Numerics.BigInteger:
                // PowerShell reads 90s as a short and 2d as a decimal: the unit is gone by the time it arrives here.
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' has no unit. Give a duration such as 10m, 1h or 1h30m (quote it: '90s' and '2d' are numbers to PowerShell), or a TimeSpan.");
            default:
                return inputData;
        }
    }
}

/// <summary>Refuses a lifetime the TokenRequest API would refuse (under 10 minutes, over 2^32 s, fractional
/// seconds) as a parameter error, before any request is made.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateTokenDurationAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (value is not TimeSpan duration)
        {
            throw new ValidationMetadataException("The duration must be a TimeSpan or a string such as 10m or 1h.");
        }
        if (TokenDuration.Problem(duration) is { } problem)
        {
            throw new ValidationMetadataException(problem);
        }
    }
}
