#!/usr/bin/env python3
"""Draws the effect packs AISP ships (obs-plugin/data/effects/*): every picture is drawn here, by
this script, from shapes (no picture of unknown origin), so the packs are ours to license
(CC0-1.0). Run it again after changing a shape; the PNGs and pack.json files it writes are committed.

Usage: scripts/draw-effect-packs.py   (needs python3-pil)
"""
import json, math, os
from PIL import Image, ImageDraw

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "obs-plugin", "data", "effects")
S = 4  # drawn 4x larger, then scaled down: smooth edges


def canvas(w, h):
    im = Image.new("RGBA", (w * S, h * S), (0, 0, 0, 0))
    return im, ImageDraw.Draw(im)


def save(im, pack, name, w, h):
    os.makedirs(os.path.join(OUT, pack), exist_ok=True)
    im.resize((w, h), Image.LANCZOS).save(os.path.join(OUT, pack, name), optimize=True)


def pack(name, title, layers):
    doc = {"name": title, "licence": "CC0-1.0 (drawn by scripts/draw-effect-packs.py)", "layers": layers}
    with open(os.path.join(OUT, name, "pack.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def glasses():
    w, h = 600, 200
    im, d = canvas(w, h)
    for cx in (150, 450):
        box = [(cx - 115) * S, 20 * S, (cx + 115) * S, 190 * S]
        d.ellipse(box, fill=(120, 170, 220, 60))                     # tinted lens
        d.ellipse(box, outline=(25, 20, 20, 255), width=14 * S)        # rim
    d.arc([255 * S, 60 * S, 345 * S, 140 * S], 200, 340, fill=(25, 20, 20, 255), width=12 * S)  # bridge
    d.line([(10 * S, 80 * S), (40 * S, 70 * S)], fill=(25, 20, 20, 255), width=12 * S)          # hinges
    d.line([(560 * S, 70 * S), (590 * S, 80 * S)], fill=(25, 20, 20, 255), width=12 * S)
    save(im, "glasses", "glasses.png", w, h)
    pack("glasses", "Round glasses", [{"picture": "glasses.png", "anchors": ["right_eye_outer", "left_eye_outer", "nose_bridge"],
                                       "width": 1.55, "offset": [0.0, 0.0], "pivot": [0.5, 0.42], "pose": "full", "opacity": 1.0,
                                       "clip": "far_side"}])


def cat_ears():
    w, h = 600, 260
    im, d = canvas(w, h)
    for side in (-1, 1):
        cx = 300 + side * 190
        outer = [((cx - 95) * S, 255 * S), ((cx + side * 30) * S, 10 * S), ((cx + 95) * S, 255 * S)]
        inner = [((cx - 55) * S, 245 * S), ((cx + side * 22) * S, 70 * S), ((cx + 55) * S, 245 * S)]
        d.polygon(outer, fill=(60, 45, 40, 255))
        d.polygon(inner, fill=(240, 150, 170, 255))
    save(im, "cat-ears", "ears.png", w, h)
    pack("cat-ears", "Cat ears", [{"picture": "ears.png", "anchors": ["forehead"], "width": 2.3, "offset": [0.0, -0.25],
                                   "pivot": [0.5, 0.95], "pose": "full", "opacity": 1.0}])


def mask():
    w, h = 500, 340
    im, d = canvas(w, h)
    body = [(70 * S, 40 * S), (430 * S, 40 * S), (470 * S, 170 * S), (400 * S, 300 * S), (250 * S, 335 * S), (100 * S, 300 * S), (30 * S, 170 * S)]
    d.polygon(body, fill=(150, 200, 225, 255))
    for y in (110, 170, 230):                                          # pleats
        d.line([(50 * S, y * S), (450 * S, y * S)], fill=(115, 165, 195, 255), width=6 * S)
    d.line(body + [body[0]], fill=(235, 245, 250, 255), width=8 * S)  # hem
    for x, y in ((30, 170), (470, 170)):                                # strap stubs
        d.line([(x * S, y * S), ((x + (-25 if x < 250 else 25)) * S, (y - 60) * S)], fill=(235, 245, 250, 255), width=8 * S)
    save(im, "mask", "mask.png", w, h)
    pack("mask", "Mask over the lower face", [{"picture": "mask.png", "anchors": ["nose_bridge", "chin"],
                                               "width": 1.6, "offset": [0.0, 0.0], "pivot": [0.5, 0.42], "pose": "full", "opacity": 1.0,
                                               "clip": "face", "span": ["nose_bridge", "chin"], "span_scale": 0.95}])


def star(d, cx, cy, r, fill):
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.45
        pts.append(((cx + rr * math.cos(a)) * S, (cy + rr * math.sin(a)) * S))
    d.polygon(pts, fill=fill)


def face_paint():
    w, h = 600, 300
    im, d = canvas(w, h)
    for side in (-1, 1):
        cx = 300 + side * 200
        for k, colour in enumerate(((220, 40, 60, 255), (250, 250, 250, 255), (40, 80, 200, 255))):
            y = 120 + k * 38
            d.rounded_rectangle([(cx - 80) * S, y * S, (cx + 80) * S, (y + 28) * S], radius=14 * S, fill=colour)
    star(d, 300, 40, 36, (250, 200, 40, 255))
    save(im, "face-paint", "paint.png", w, h)
    pack("face-paint", "Face paint", [{"picture": "paint.png", "anchors": ["right_cheek", "left_cheek", "nose_bridge"], "width": 1.9,
                                       "offset": [0.0, 0.2], "pivot": [0.5, 0.45], "pose": "full", "opacity": 0.8, "clip": "face"}])


if __name__ == "__main__":
    glasses()
    cat_ears()
    mask()
    face_paint()
    print("draw-effect-packs: wrote", ", ".join(sorted(os.listdir(OUT))))
