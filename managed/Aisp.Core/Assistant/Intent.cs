namespace Aisp.Core.Assistant;

/// <summary>
/// What a plain-language instruction asks for, as far as the rules can tell. Null or false means
/// "not mentioned": the planner then keeps the filter's current value or applies the seed's rules.
/// </summary>
public sealed record Intent
{
    /// <summary>An engine named outright (privacy, morph, inswapper, none), or "swap" for "a face swap, whichever fits".</summary>
    public string? Engine { get; init; }

    public string? PrivacyMode { get; init; }

    /// <summary>everyone, except_listed or only_listed.</summary>
    public string? PrivacyRule { get; init; }

    /// <summary>The rule's people include the speaker ("me", "我").</summary>
    public bool Self { get; init; }

    /// <summary>People the rule names, as the face library spells them.</summary>
    public IReadOnlyList<string> People { get; init; } = [];

    public bool Smoother { get; init; }

    public bool Lighter { get; init; }

    public bool BestQuality { get; init; }

    /// <summary>GPU memory the user states ("I have an 8 GB GPU", "8G显存").</summary>
    public double? GpuMemoryGb { get; init; }

    /// <summary>Keep the target's own expression (eyes, mouth): true; false when asked to drop it.</summary>
    public bool? KeepExpression { get; init; }

    /// <summary>The words that matched, for the reasons.</summary>
    public IReadOnlyList<string> Matched { get; init; } = [];

    /// <summary>Wishes about the other settings (background, AR, strengths, detection, drawing, pictures): <see cref="SettingWishes"/>.</summary>
    public IReadOnlyList<SettingWish> Changes { get; init; } = [];

    /// <summary>The instruction's words no rule understood (stop words aside), in the order they came.</summary>
    public IReadOnlyList<string> NotUnderstood { get; init; } = [];

    /// <summary>"zh" for an instruction with Chinese in it, else "en": the language reasons are given in.</summary>
    public string Language { get; init; } = "en";

    public bool IsEmpty => Engine is null && PrivacyMode is null && PrivacyRule is null && !Smoother && !Lighter && !BestQuality
        && GpuMemoryGb is null && KeepExpression is null && Changes.Count == 0;
}
