using Microsoft.Extensions.Options;

namespace Tomodachi.Knob.Gpio;

/// <summary>Checks what data annotations cannot: that the three inputs are wired to three different pins.</summary>
public sealed class KnobOptionsValidator : IValidateOptions<KnobOptions>
{
    public ValidateOptionsResult Validate(string? name, KnobOptions options)
    {
        (string Name, int Pin)[] pins = [("PinA", options.PinA), ("PinB", options.PinB), ("ButtonPin", options.ButtonPin)];
        var clashes = pins
            .GroupBy(p => p.Pin)
            .Where(g => g.Count() > 1)
            .Select(g => $"Knob:{string.Join(" and Knob:", g.Select(p => p.Name))} share GPIO {g.Key}")
            .ToList();

        return clashes.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"The encoder and the button need three different pins: {string.Join("; ", clashes)}.");
    }
}
