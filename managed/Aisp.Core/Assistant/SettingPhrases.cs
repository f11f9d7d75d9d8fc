namespace Aisp.Core.Assistant;

/// <summary>
/// The words that name each user-facing setting of <see cref="Settings.SettingsSchema"/> and its
/// values, English and Chinese, lower case. The assistant's rules read instructions with these; a
/// test holds them against the schema, so a setting users can set cannot lack words.
/// </summary>
public static class SettingPhrases
{
    /// <summary>Words for "more of it" and "less of it", applied to the setting's current value.</summary>
    public static readonly string[] More = ["bigger", "larger", "stronger", "heavier", "thicker", "more", "higher", "increase", "raise", "harder", "coarser", "chunkier", "wider",
        "更大", "大一点", "大些", "更强", "强一点", "加强", "加大", "更多", "多一点", "提高", "增加", "更重", "重一点", "更粗", "粗一点", "更宽"];

    public static readonly string[] Less = ["smaller", "weaker", "fewer", "lighter", "less", "lower", "decrease", "reduce", "softer", "finer", "thinner", "subtler", "narrower", "tighter",
        "更小", "小一点", "小些", "更弱", "弱一点", "减弱", "减小", "更少", "少一点", "降低", "减少", "更轻", "轻一点", "更细", "细一点", "淡一点"];

    /// <summary>Words that mean a background mode without naming the background ("like a green screen", "bokeh").</summary>
    public static readonly string[] BackgroundOnly = ["green screen", "cut me out", "cutout", "chroma key", "bokeh", "抠图", "抠像", "绿幕"];

    /// <summary>Words that name a setting (a wish about its value needs one of them, or a value's own words).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Names = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["engine"] = ["engine", "mode", "effect", "引擎", "模式"],
        ["detector"] = ["detector", "detection model", "face detection", "detection", "检测器", "检测模型", "检测"],
        ["confidence"] = ["confidence", "sensitive", "sensitivity", "threshold", "false faces", "false detections", "fewer false", "灵敏", "置信度", "误检", "误识别"],
        ["privacy_mode"] = ["privacy mode", "censor style", "打码方式"],
        ["privacy_strength"] = ["mosaic blocks", "mosaic", "blocks", "pixels", "pixelation", "censor", "blur strength", "blur", "strength", "马赛克", "打码", "模糊", "强度", "方块"],
        ["privacy_padding"] = ["around each face", "around the face", "around faces", "padding", "margin", "area", "region", "border", "周围", "边缘", "范围", "区域"],
        ["privacy_rule"] = ["everyone", "only", "except", "所有人", "只", "除了"],
        ["privacy_identities"] = ["people", "person", "guests", "人员", "名单"],
        ["face_library"] = ["face library", "library", "人脸库"],
        ["source_image"] = ["photo", "picture", "image", "source face", "照片", "图片"],
        ["swap_identities"] = ["face per person", "map", "每个人"],
        ["keep_expression"] = ["expression", "表情"],
        ["stabilize"] = ["stabilise", "stabilize", "stabilisation", "stabilization", "jitter", "防抖", "稳定"],
        ["smoothing"] = ["smoothing", "smooth", "smoother", "steadier", "responsive", "snappier", "lag behind", "平滑", "跟手", "跟随"],
        ["quality"] = ["quality", "画质", "质量"],
        ["compositor"] = ["compositor", "compositing", "composite", "draw the result", "drawing", "合成", "绘制"],
        ["execution_provider"] = ["inference", "run the models", "models on", "cuda", "directml", "推理", "显卡加速", "用显卡", "用gpu"],
        ["effect_pack"] = ["effect pack", "pack", "sticker", "特效", "贴纸"],
        ["retouch"] = ["smooth my skin", "smooth skin", "smoother skin", "skin smoothing", "smooth out my skin", "soften my skin", "retouching", "retouch", "touch up", "touch-up", "skin", "beautify", "beauty", "complexion",
            "磨皮", "美颜", "美肤", "皮肤", "美白"],
        ["lip_tint"] = ["paint my lips", "colour my lips", "color my lips", "lips", "lip", "lipstick", "涂口红", "口红", "嘴唇", "唇"],
        ["lip_colour"] = ["lip colour", "lip color", "lipstick colour", "lipstick color", "口红颜色", "唇色"],
        ["eye_tint"] = ["eye shadow", "eyeshadow", "eyes", "eye", "眼影", "眼睛", "眼妆"],
        ["eye_colour"] = ["eye shadow colour", "eye shadow color", "eyeshadow colour", "eyeshadow color", "眼影颜色"],
        ["background"] = ["background", "backdrop", "behind me", "room behind", "背景", "身后"],
        ["background_blur"] = ["background blur", "背景模糊", "背景虚化"],
        ["background_image"] = ["background picture", "background image", "background photo", "背景图片", "背景照片"],
        ["background_model"] = ["mask model", "person mask", "segmentation", "人像模型", "分割模型"],
    };

    /// <summary>Words for the values of choice settings (each value a user can ask for).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> Values = new Dictionary<string, IReadOnlyDictionary<string, string[]>>(StringComparer.Ordinal)
    {
        ["engine"] = new Dictionary<string, string[]>
        {
            ["privacy"] = ["hide", "anonymi", "privacy", "cover", "censor", "隐私", "遮挡", "遮住", "打码", "匿名"],
            ["morph"] = ["face swap", "swap", "look like", "mesh swap", "morph", "换脸", "变成", "长得像"],
            ["inswapper"] = ["inswapper", "model swap", "模型换脸"],
            ["ar"] = ["ar effect", "ar effects", "augmented reality", "filters on my face", "ar", "特效"],
            ["landmarks"] = ["landmarks", "face points", "face mesh", "keypoints", "key points", "关键点", "特征点", "人脸网格"],
            ["none"] = ["turn it off", "turn off", "switch off", "disable", "pass through", "no effect", "bypass", "stop blurring", "stop pixelating", "stop censoring",
                "stop hiding", "关闭", "关掉", "不处理", "停用", "不要打码", "别打码", "不用打码", "取消打码"],
        },
        ["detector"] = new Dictionary<string, string[]>
        {
            ["ultraface"] = ["small faces", "tiny faces", "faces far away", "distant faces", "far away", "crowd", "crowds", "many faces", "ultraface", "小脸", "远处", "人群", "人多", "很多人"],
            ["blazeface-back"] = ["blazeface", "eye keypoints", "close-up", "close up", "近景", "特写"],
        },
        ["privacy_mode"] = new Dictionary<string, string[]>
        {
            ["pixelate"] = ["pixelate", "pixelated", "pixel", "mosaic", "马赛克", "像素"],
            ["blur"] = ["blur", "blurred", "blurry", "模糊", "虚化"],
        },
        ["privacy_rule"] = new Dictionary<string, string[]>
        {
            ["everyone"] = ["everyone", "everybody", "all faces", "every face", "所有人", "每个人", "全部"],
            ["except_listed"] = ["except", "but not", "apart from", "other than", "besides", "除了", "以外", "之外"],
            ["only_listed"] = ["only", "just", "仅", "只"],
        },
        ["quality"] = new Dictionary<string, string[]>
        {
            ["auto"] = ["auto", "automatic", "automatically", "自动"],
            ["quality"] = ["best quality", "high quality", "highest quality", "maximum quality", "max quality", "最好", "最佳", "高质量", "高画质"],
            ["balanced"] = ["balanced", "medium quality", "middle", "均衡", "平衡", "中等"],
            ["performance"] = ["performance", "fastest", "low quality", "lowest quality", "laptop", "battery", "流畅", "省电", "性能", "笔记本"],
        },
        ["compositor"] = new Dictionary<string, string[]>
        {
            ["auto"] = ["auto", "automatic", "自动"],
            ["gpu"] = ["gpu", "graphics card", "显卡"],
            ["cpu"] = ["cpu", "processor", "处理器"],
        },
        ["execution_provider"] = new Dictionary<string, string[]>
        {
            ["auto"] = ["auto", "automatic", "自动"],
            ["cpu"] = ["cpu", "processor", "处理器"],
            ["cuda"] = ["cuda", "nvidia", "my gpu", "the gpu", "gpu", "显卡", "英伟达"],
            ["directml"] = ["directml", "direct ml"],
            ["coreml"] = ["coreml", "core ml"],
        },
        ["effect_pack"] = new Dictionary<string, string[]>
        {
            ["glasses"] = ["glasses", "sunglasses", "spectacles", "specs", "shades", "眼镜", "墨镜", "太阳镜"],
            ["cat-ears"] = ["cat ears", "cat ear", "ears", "kitty", "猫耳", "猫耳朵", "耳朵"],
            ["mask"] = ["mask", "masquerade", "面具", "口罩"],
            ["face-paint"] = ["face paint", "paint my face", "face painting", "war paint", "脸上画", "彩绘", "脸绘"],
            ["none"] = ["no glasses", "no ears", "no mask", "no effect pack", "remove the glasses", "take off the glasses", "不要眼镜", "去掉眼镜", "去掉特效"],
        },
        ["background"] = new Dictionary<string, string[]>
        {
            ["none"] = ["keep the background", "normal background", "leave the background", "no background effect", "background off", "保留背景", "背景不变", "不处理背景"],
            ["blur"] = ["blur", "blurred", "blurry", "fuzzy", "out of focus", "soft", "bokeh", "模糊", "虚化"],
            ["replace"] = ["replace", "change", "swap", "switch", "put", "use", "换成", "替换", "更换", "换"],
            ["transparent"] = ["transparent", "remove", "cut out", "cutout", "green screen", "delete", "get rid of", "erase", "透明", "去掉", "删除", "抠图", "抠", "去除", "绿幕"],
        },
        ["background_model"] = new Dictionary<string, string[]>
        {
            ["auto"] = ["automatic", "auto", "by the shape", "自动"],
            ["landscape"] = ["landscape", "16:9", "widescreen", "横屏"],
            ["general"] = ["general", "portrait", "vertical", "square", "通用", "竖屏", "方形"],
        },
    };

    /// <summary>Colour words to "#rrggbb" (lips and eye shadow).</summary>
    public static readonly IReadOnlyDictionary<string, string> Colours = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["red"] = "#c8102e", ["红"] = "#c8102e", ["pink"] = "#e75480", ["粉"] = "#e75480", ["purple"] = "#6a4c93", ["violet"] = "#6a4c93", ["紫"] = "#6a4c93",
        ["blue"] = "#1e4fd8", ["蓝"] = "#1e4fd8", ["green"] = "#2e8b57", ["绿"] = "#2e8b57", ["brown"] = "#8b5a2b", ["棕"] = "#8b5a2b", ["褐"] = "#8b5a2b",
        ["black"] = "#202020", ["黑"] = "#202020", ["gold"] = "#c9a227", ["金"] = "#c9a227", ["orange"] = "#f28c28", ["橙"] = "#f28c28",
        ["coral"] = "#ff6f61", ["珊瑚"] = "#ff6f61", ["nude"] = "#c08070", ["裸"] = "#c08070", ["wine"] = "#7b1e3a", ["berry"] = "#7b1e3a", ["酒红"] = "#7b1e3a",
        ["silver"] = "#a8a9ad", ["银"] = "#a8a9ad", ["white"] = "#f0f0f0", ["白"] = "#f0f0f0", ["yellow"] = "#e8c547", ["黄"] = "#e8c547",
    };

    /// <summary>Settings whose values are not asked for by words but given (paths, names, mappings), and those the rules set for other wishes.</summary>
    public static readonly string[] GivenNotWorded = ["privacy_identities", "face_library", "source_image", "swap_identities", "background_image", "lip_colour", "eye_colour"];
}
