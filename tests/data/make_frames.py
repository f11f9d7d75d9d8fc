#!/usr/bin/env python3
"""Writes raw test frames (BGRA and I420, BT.601 full range) of the real photos for the C tests,
which have no image decoder of their own. Usage: make_frames.py OUT_DIR"""
import os, sys
from PIL import Image

PHOTOS = {
    "astronaut": "/usr/lib/python3/dist-packages/skimage/data/astronaut.png",            # python3-skimage
    "ice": "/usr/share/doc/facedetect/examples/640px-IceBlockNearJoekullsarlon.jpg",     # facedetect, no face
}


def clamp(v):
    return 0 if v < 0 else 255 if v > 255 else int(v + 0.5)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, path in PHOTOS.items():
        im = Image.open(path).convert("RGB")
        w, h = im.size
        w, h = w & ~1, h & ~1
        im = im.crop((0, 0, w, h))
        r, g, b = im.split()
        a = Image.new("L", (w, h), 255)
        with open(os.path.join(out, f"{name}_{w}x{h}.bgra"), "wb") as f:
            f.write(Image.merge("RGBA", (b, g, r, a)).tobytes())
        px = im.load()
        y_plane = bytearray(w * h)
        u_plane = bytearray((w // 2) * (h // 2))
        v_plane = bytearray((w // 2) * (h // 2))
        for yy in range(h):
            for xx in range(w):
                R, G, B = px[xx, yy]
                y_plane[yy * w + xx] = clamp(0.299 * R + 0.587 * G + 0.114 * B)
        for yy in range(0, h, 2):
            for xx in range(0, w, 2):
                R = G = B = 0
                for dy in (0, 1):
                    for dx in (0, 1):
                        pr, pg, pb = px[xx + dx, yy + dy]
                        R += pr; G += pg; B += pb
                R /= 4; G /= 4; B /= 4
                i = (yy // 2) * (w // 2) + xx // 2
                u_plane[i] = clamp(128 - 0.168736 * R - 0.331264 * G + 0.5 * B)
                v_plane[i] = clamp(128 + 0.5 * R - 0.418688 * G - 0.081312 * B)
        with open(os.path.join(out, f"{name}_{w}x{h}.i420"), "wb") as f:
            f.write(bytes(y_plane) + bytes(u_plane) + bytes(v_plane))
    print(f"make_frames.py: wrote frames to {out}")


if __name__ == "__main__":
    main()
