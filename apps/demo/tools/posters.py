#!/usr/bin/env python3
"""Draws the demo's posters from its catalogue: `assets/posters/NN.jpg` and `hero.jpg`.

Needs Node.js (to read `catalogue.js`) and Pillow (`pip install pillow`). Each poster is a
scene of simple shapes in the title's colour — a sky, a sun or moon, hills or waves, stripes —
chosen from the title's index so the same catalogue always draws the same posters, and a label
set in the demo's own Inter Bold. The title itself is not drawn: the app sets it over the poster
as a text node, so it stays sharp at any size and can be translated. The JPEGs are committed; run this after changing the catalogue:

    python3 apps/demo/tools/posters.py
"""
import json
import random
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEMO = Path(__file__).resolve().parent.parent
OUT = DEMO / "assets" / "posters"
BOLD = str(DEMO / "assets" / "fonts" / "Inter-Bold.otf")
SIZE = (320, 180)  # 16:9, the tiles' shape; 1.33× the tile at 720p


def catalogue():
    script = "import('./catalogue.js').then(m => console.log(JSON.stringify({hero: m.HERO, rails: m.CATALOGUE})))"
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=DEMO, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def luminance(c):
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def scene(size, colour, seed):
    """Shapes in the poster's colour: a graded sky, a disc, layered hills or waves."""
    rnd = random.Random(seed)
    w, h = size
    base = rgb(colour)
    dark = mix(base, (8, 10, 20), 0.75)
    light = mix(base, (255, 250, 235), 0.45)
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=mix(light, dark, y / h))
    r = rnd.randint(h // 8, h // 4)
    cx, cy = rnd.randint(r, w - r), rnd.randint(r, h // 2)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=mix(light, (255, 255, 255), 0.6))
    kind = seed % 3
    for layer in range(3):
        shade = mix(base, dark, 0.35 + 0.25 * layer)
        top = h * (0.45 + 0.15 * layer)
        if kind == 0:  # hills
            pts = [(0, h)] + [(x, top + rnd.uniform(-h * 0.12, h * 0.12)) for x in range(0, w + 40, 40)] + [(w, h)]
            d.polygon(pts, fill=shade)
        elif kind == 1:  # waves
            for x in range(0, w, 2):
                y = top + (h * 0.05) * __import__("math").sin(x / (18 + 6 * layer) + seed + layer)
                d.line([(x, y), (x, h)], fill=shade, width=2)
        else:  # towers
            x = 0
            while x < w:
                bw = rnd.randint(14, 40)
                d.rectangle([x, top - rnd.uniform(0, h * 0.25), x + bw, h], fill=shade)
                x += bw + rnd.randint(0, 6)
    return img


def label(img, text, size):
    """A small letter-spaced label in the top-left corner, over a soft shadow."""
    font = ImageFont.truetype(BOLD, size)
    shadow = Image.new("L", img.size, 0)
    ImageDraw.Draw(shadow).text((13, 13), text, font=font, fill=160)
    img.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(2)))
    ImageDraw.Draw(img).text((12, 11), text, font=font, fill=(255, 255, 255))


def main():
    data = catalogue()
    OUT.mkdir(parents=True, exist_ok=True)
    n = 0
    for rail in data["rails"]:
        for tile in rail["tiles"]:
            n += 1
            img = scene(SIZE, tile["colour"], n)
            label(img, "MARQUEE ORIGINAL" if n % 4 == 1 else "NEW EPISODES" if n % 4 == 3 else "", 11)
            img.save(DEMO / tile["poster"], "JPEG", quality=80, optimize=True, subsampling=2)
    hero = data["hero"]
    img = scene((640, 300), hero["colour"], 1000)
    img.save(DEMO / hero["backdrop"], "JPEG", quality=80, optimize=True, subsampling=2)
    print(f"{n} posters and a backdrop in {OUT}")


if __name__ == "__main__":
    main()
