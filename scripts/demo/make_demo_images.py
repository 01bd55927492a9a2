"""Generate every demo photo and the administrative map, deterministically, with Pillow.

The demo content must not use downloaded photos, so each "photo" is an
illustration drawn from shapes, gradients and a little grain, seeded by its file
name: running the script twice gives the same files (same Pillow/libjpeg).

Run: .venv/bin/python scripts/demo/make_demo_images.py        (writes content/images/)
     .venv/bin/python scripts/demo/make_demo_images.py --check (fails if a file is missing or too big)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import pathlib
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
IMAGES = ROOT / "content" / "images"
PHOTO_LIMIT = 120 * 1024
MAP_LIMIT = 150 * 1024

# (path under content/images, scene, size). Articles link these as {static}/images/<path>.
PHOTOS = [
    ("2019/hoi-nghi-trien-khai-2019.jpg", "hall", (1200, 750)),
    ("2019/quang-long-ra-quan.jpg", "village", (1200, 750)),
    ("2019/dan-van-cong-bieu-dien.jpg", "stage", (1200, 750)),
    ("2019/trong-rung-san-xuat.jpg", "forest", (800, 500)),
    ("2020/dan-van-kheo-dai-doan-ket.jpg", "hall", (1200, 750)),
    ("2020/duong-be-tong-quang-long.jpg", "road", (800, 500)),
    ("2020/dai-hoi-hua-na.jpg", "hall", (1200, 750)),
    ("2020/kenh-muong-phieng-lanh.jpg", "rice", (1200, 750)),
    ("2021/quang-long-dat-chuan.jpg", "village", (1200, 750)),
    ("2021/tiem-vac-xin.jpg", "clinic", (1200, 750)),
    ("2021/tiem-luu-dong-pa-co.jpg", "village", (800, 500)),
    ("2021/bau-cu.jpg", "building", (1200, 750)),
    ("2022/mua-lu-na-hu.jpg", "flood", (1200, 750)),
    ("2022/bo-doi-giup-dan.jpg", "flood", (800, 500)),
    ("2022/gieo-cay-lai.jpg", "rice", (1200, 750)),
    ("2022/tai-dinh-cu-huoi-khe.jpg", "village", (1200, 750)),
    ("2023/gau-tao-sin-ho.jpg", "festival", (1200, 750)),
    ("2023/gau-tao-nem-pao.jpg", "festival", (800, 500)),
    ("2023/tuyen-duong-dan-van-kheo.jpg", "hall", (1200, 750)),
    ("2023/man-ta-phin.jpg", "orchard", (1200, 750)),
    ("2023/khai-giang-sin-ho.jpg", "school", (800, 500)),
    ("2024/thu-hoach-che.jpg", "tea", (1200, 750)),
    ("2024/doi-che-khe-van.jpg", "tea", (800, 500)),
    ("2024/che-shan-tuyet.jpg", "tea", (1200, 750)),
    ("2024/nha-van-hoa-quang-long.jpg", "building", (800, 500)),
    ("2024/tram-y-te-nam-xe.jpg", "clinic", (1200, 750)),
    ("2025/gau-tao-2025.jpg", "festival", (1200, 750)),
    ("2025/cho-che-xuan.jpg", "market", (1200, 750)),
    ("2025/dan-van-ta-phin.jpg", "village", (1200, 750)),
    ("2025/khoi-cong-duong.jpg", "roadworks", (1200, 750)),
    ("2025/homestay-ban-luot.jpg", "village", (800, 500)),
    ("2026/hoi-nghi-2026.jpg", "hall", (1200, 750)),
    ("2026/giao-nhan-quan.jpg", "building", (1200, 750)),
    ("2026/thong-xe.jpg", "road", (1200, 750)),
    ("2026/duong-moi-sin-ho.jpg", "road", (800, 500)),
    ("2026/ngay-hoi-na-cang.jpg", "festival", (1200, 750)),
    ("2026/nam-xe-ve-dich.jpg", "rice", (1200, 750)),
]
MAP = "ban-do-hanh-chinh.png"


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


def _mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def _jitter(rng, color, amount=12):
    return tuple(int(max(0, min(255, c + rng.integers(-amount, amount + 1)))) for c in color)


def sky(img, rng, top=(120, 170, 220), bottom=(225, 235, 240), horizon=0.55):
    w, h = img.size
    d = ImageDraw.Draw(img)
    top, bottom = _jitter(rng, top, 15), _jitter(rng, bottom, 8)
    hy = int(h * horizon)
    for y in range(hy + 1):
        d.line([(0, y), (w, y)], fill=_mix(top, bottom, y / max(1, hy)))
    if rng.random() < 0.7:  # a few soft clouds
        for _ in range(int(rng.integers(2, 5))):
            cx, cy = rng.integers(0, w), rng.integers(int(h * 0.05), int(h * 0.3))
            for _k in range(5):
                r = int(rng.integers(25, 60) * w / 1200)
                ox = int(rng.integers(-60, 60) * w / 1200)
                d.ellipse([cx + ox - r * 2, cy - r, cx + ox + r * 2, cy + r], fill=_mix(bottom, (255, 255, 255), 0.6))


def ridge(img, rng, base_y, amp, color, roughness=6):
    """A mountain ridge: sum of sines plus small steps, filled to the bottom."""
    w, h = img.size
    phases = rng.random(roughness) * 2 * math.pi
    freqs = [1 + i * (1.3 + rng.random()) for i in range(roughness)]
    pts = []
    for x in range(0, w + 8, 8):
        t = x / w
        y = sum(math.sin(2 * math.pi * f * t + p) / (i + 1) for i, (f, p) in enumerate(zip(freqs, phases)))
        pts.append((x, base_y - amp * y))
    pts += [(w, h), (0, h)]
    ImageDraw.Draw(img).polygon(pts, fill=color)


def mountains(img, rng, layers=3, horizon=0.55, tint=(70, 110, 90)):
    w, h = img.size
    haze = (200, 215, 220)
    for i in range(layers):
        t = (i + 1) / layers
        color = _mix(haze, _jitter(rng, tint, 10), 0.35 + 0.65 * t)
        ridge(img, rng, h * (horizon - 0.18 + 0.09 * i), h * (0.12 - 0.02 * i), color)


def ground(img, rng, top, color, far=None):
    w, h = img.size
    d = ImageDraw.Draw(img)
    far = far or _mix(color, (200, 210, 200), 0.3)
    for y in range(int(top), h):
        d.line([(0, y), (w, y)], fill=_mix(far, color, (y - top) / max(1, h - top)))


def tree(d, x, y, s, rng, leaf=(40, 100, 50)):
    d.rectangle([x - s * 0.08, y - s * 0.3, x + s * 0.08, y + s * 0.2], fill=(90, 60, 40))
    for k in range(3):
        r = s * (0.35 - k * 0.07)
        cy = y - s * (0.45 + k * 0.22)
        d.ellipse([x - r, cy - r, x + r, cy + r], fill=_jitter(rng, leaf, 15))


def stilt_house(d, x, y, s, rng):
    wall = _jitter(rng, (150, 105, 65), 15)
    roof = _jitter(rng, (95, 70, 50), 12)
    d.rectangle([x, y - s * 0.45, x + s, y - s * 0.15], fill=wall)
    for k in range(5):  # stilts
        px = x + s * 0.05 + k * s * 0.22
        d.rectangle([px, y - s * 0.15, px + s * 0.04, y], fill=(80, 55, 35))
    d.polygon([(x - s * 0.12, y - s * 0.45), (x + s * 0.2, y - s * 0.8), (x + s * 0.8, y - s * 0.8),
               (x + s * 1.12, y - s * 0.45)], fill=roof)
    d.rectangle([x + s * 0.4, y - s * 0.4, x + s * 0.55, y - s * 0.2], fill=(60, 40, 30))


def person(d, x, y, s, rng, shirt=None):
    shirt = shirt or tuple(int(c) for c in rng.integers(30, 230, 3))
    d.ellipse([x - s * 0.12, y - s, x + s * 0.12, y - s * 0.76], fill=(200, 160, 125))
    d.rounded_rectangle([x - s * 0.2, y - s * 0.76, x + s * 0.2, y - s * 0.3], radius=int(s * 0.08) or 1, fill=shirt)
    d.rectangle([x - s * 0.16, y - s * 0.3, x + s * 0.16, y], fill=_mix(shirt, (30, 30, 40), 0.6))


def scene_tea(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.45)
    mountains(img, rng, 2, 0.45)
    d = ImageDraw.Draw(img)
    for band in range(3):
        top = h * (0.42 + band * 0.17)
        ridge(img, rng, top, h * 0.04, _jitter(rng, (70 + band * 10, 140 - band * 10, 60), 8), 3)
        # curved rows of tea bushes following the hill
        rows = 6 + band * 2
        for r in range(rows):
            yy = top + (r + 1) * (h - top) / (rows + 1) * 0.9
            bow = h * 0.03 * (1 + band)
            pts = [(x, yy + bow * math.sin(math.pi * x / w + band)) for x in range(-20, w + 40, 20)]
            d.line(pts, fill=_jitter(rng, (35, 95, 40), 10), width=max(3, int(h * 0.012 * (band + 1))))
    for _ in range(int(rng.integers(3, 7))):
        x, y = rng.integers(int(w * 0.1), int(w * 0.9)), rng.integers(int(h * 0.7), int(h * 0.95))
        person(d, int(x), int(y), h * 0.12, rng)
        d.ellipse([x - h * 0.03, y - h * 0.07, x + h * 0.03 + 6, y - h * 0.03], fill=(170, 130, 80))  # basket


def scene_rice(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.4)
    mountains(img, rng, 3, 0.42)
    d = ImageDraw.Draw(img)
    ripe = rng.random() < 0.4
    base = (200, 180, 70) if ripe else (110, 170, 60)
    y = h * 0.42
    k = 0
    while y < h:
        step = h * (0.03 + 0.012 * k)
        pts = [(x, y + h * 0.02 * math.sin(2 * math.pi * x / w * 1.5 + k)) for x in range(0, w + 20, 20)]
        ImageDraw.Draw(img).polygon(pts + [(w, h), (0, h)], fill=_jitter(rng, _mix(base, (60, 110, 40), k * 0.05), 10))
        d.line(pts, fill=(90, 75, 45), width=max(2, int(step * 0.12)))  # terrace edge
        y += step
        k += 1
    if rng.random() < 0.7:  # a concrete canal
        d.line([(w * 0.65, h), (w * 0.48, h * 0.5)], fill=(175, 175, 170), width=int(h * 0.05))
        d.line([(w * 0.65, h), (w * 0.48, h * 0.5)], fill=(110, 150, 170), width=int(h * 0.03))


def scene_flood(img, rng):
    w, h = img.size
    sky(img, rng, top=(120, 125, 135), bottom=(185, 185, 185), horizon=0.5)
    mountains(img, rng, 3, 0.5, tint=(60, 85, 70))
    d = ImageDraw.Draw(img)
    water_top = h * 0.58
    ground(img, rng, water_top, (130, 95, 60), (150, 120, 85))
    for i in range(3):
        x = w * (0.15 + 0.3 * i) + rng.integers(-40, 40)
        stilt_house(d, x, water_top + h * 0.08, h * 0.25, rng)
    ground_poly = [(0, water_top + h * 0.05), (w, water_top + h * 0.05), (w, h), (0, h)]
    d.polygon(ground_poly, fill=(140, 105, 65))
    for _ in range(60):  # ripples
        x, y = rng.integers(0, w), rng.integers(int(water_top + h * 0.06), h)
        L = rng.integers(20, 80)
        d.line([(x, y), (x + L, y)], fill=(165, 130, 90), width=2)
    for _ in range(int(rng.integers(2, 5))):  # people in green uniforms helping
        person(d, int(rng.integers(50, w - 50)), int(rng.integers(int(h * 0.8), h - 10)), h * 0.16, rng, (60, 100, 55))


def scene_village(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.5)
    mountains(img, rng, 3, 0.5)
    ground(img, rng, h * 0.6, (85, 140, 70))
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(5, 9))):
        tree(d, int(rng.integers(0, w)), int(rng.integers(int(h * 0.62), int(h * 0.75))), h * 0.2, rng)
    n = int(rng.integers(3, 6))
    for i in range(n):
        x = w * (i + 0.2) / n + rng.integers(-30, 30)
        stilt_house(d, x, h * (0.78 + 0.05 * (i % 2)), h * (0.22 + 0.04 * (i % 2)), rng)
    d.polygon([(w * 0.45, h), (w * 0.55, h), (w * 0.52, h * 0.6), (w * 0.5, h * 0.6)], fill=(170, 160, 140))
    for _ in range(int(rng.integers(1, 4))):
        person(d, int(rng.integers(80, w - 80)), int(rng.integers(int(h * 0.88), h - 8)), h * 0.14, rng)


def scene_road(img, rng, works=False):
    w, h = img.size
    sky(img, rng, horizon=0.48)
    mountains(img, rng, 3, 0.48)
    ground(img, rng, h * 0.55, (90, 150, 70))
    d = ImageDraw.Draw(img)
    vx = w * (0.45 + rng.random() * 0.1)
    surface = (150, 120, 90) if works else (95, 95, 100)
    d.polygon([(vx - 8, h * 0.55), (vx + 8, h * 0.55), (w * 0.85, h), (w * 0.15, h)], fill=surface)
    if not works:
        for k in range(8):
            t0, t1 = (k / 8) ** 1.6, ((k + 0.5) / 8) ** 1.6
            y0, y1 = h * 0.55 + t0 * h * 0.45, h * 0.55 + t1 * h * 0.45
            d.polygon([(vx - 1 - t0 * 6, y0), (vx + 1 + t0 * 6, y0), (vx + 1 + t1 * 6, y1), (vx - 1 - t1 * 6, y1)],
                      fill=(235, 200, 60))
        for side in (-1, 1):  # kerbs
            d.line([(vx + side * 8, h * 0.55), (w * (0.5 + side * 0.35), h)], fill=(230, 230, 225), width=5)
    else:
        for i in range(2):  # excavator-like machines
            x, y, s = w * (0.25 + 0.45 * i), h * (0.8 + 0.05 * i), h * 0.18
            d.rectangle([x, y - s * 0.6, x + s * 1.1, y - s * 0.1], fill=(235, 170, 30))
            d.rectangle([x + s * 0.6, y - s, x + s * 1.05, y - s * 0.6], fill=(240, 190, 60))
            d.line([(x + s * 1.1, y - s * 0.5), (x + s * 1.7, y - s * 1.1), (x + s * 2.0, y - s * 0.3)],
                   fill=(200, 140, 20), width=int(s * 0.12))
            d.rounded_rectangle([x - s * 0.05, y - s * 0.15, x + s * 1.15, y + s * 0.1], radius=int(s * 0.12), fill=(45, 45, 45))
        for _ in range(4):
            person(d, int(rng.integers(60, w - 60)), int(rng.integers(int(h * 0.7), h - 10)), h * 0.12, rng, (240, 120, 30))
    for _ in range(int(rng.integers(4, 8))):
        x = int(rng.integers(0, w))
        if abs(x - w / 2) > w * 0.3:
            tree(d, x, int(rng.integers(int(h * 0.6), h)), h * 0.25, rng)


def _flag(d, x, y, s):
    d.line([(x, y), (x, y - s)], fill=(200, 200, 200), width=max(2, int(s * 0.02)))
    d.rectangle([x, y - s, x + s * 0.45, y - s * 0.7], fill=(218, 37, 29))
    _star(d, x + s * 0.225, y - s * 0.85, s * 0.09, (255, 225, 0))


def _star(d, cx, cy, r, color):
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=color)


def scene_building(img, rng, roof=(170, 60, 45), wall=(240, 220, 160), cross=False):
    w, h = img.size
    sky(img, rng, horizon=0.6)
    mountains(img, rng, 2, 0.5)
    ground(img, rng, h * 0.7, (100, 160, 80))
    d = ImageDraw.Draw(img)
    bx0, bx1 = w * (0.18 + rng.random() * 0.05), w * (0.78 + rng.random() * 0.05)
    by0, by1 = h * 0.38, h * 0.78
    d.rectangle([bx0, by0, bx1, by1], fill=_jitter(rng, wall, 8))
    d.polygon([(bx0 - w * 0.03, by0), ((bx0 + bx1) / 2, h * 0.25), (bx1 + w * 0.03, by0)], fill=_jitter(rng, roof, 10))
    cols = 8
    for i in range(cols):
        x = bx0 + (i + 0.5) * (bx1 - bx0) / cols
        for row in range(2):
            y = by0 + h * (0.06 + row * 0.16)
            d.rectangle([x - w * 0.02, y, x + w * 0.02, y + h * 0.1], fill=(90, 120, 150))
    d.rectangle([(bx0 + bx1) / 2 - w * 0.04, by1 - h * 0.15, (bx0 + bx1) / 2 + w * 0.04, by1], fill=(110, 70, 45))
    if cross:
        cx, cy, s = (bx0 + bx1) / 2, h * 0.32, h * 0.04
        d.rectangle([cx - s, cy - s * 0.35, cx + s, cy + s * 0.35], fill=(220, 30, 40))
        d.rectangle([cx - s * 0.35, cy - s, cx + s * 0.35, cy + s], fill=(220, 30, 40))
    else:
        _flag(d, bx1 + w * 0.07, h * 0.8, h * 0.45)
    d.rectangle([0, h * 0.85, w, h], fill=(185, 180, 170))
    for _ in range(int(rng.integers(2, 6))):
        person(d, int(rng.integers(40, w - 40)), int(rng.integers(int(h * 0.9), h - 5)), h * 0.14, rng)
    for x in (w * 0.06, w * 0.94):
        tree(d, x, h * 0.85, h * 0.35, rng)


def scene_school(img, rng):
    scene_building(img, rng, roof=(40, 90, 160), wall=(245, 235, 200))
    d = ImageDraw.Draw(img)
    w, h = img.size
    for i in range(14):  # pupils in white shirts, red scarves implied by red collars
        x, y = w * (0.08 + i * 0.065), h * (0.93 + 0.03 * (i % 2))
        person(d, x, y, h * 0.11, rng, (250, 250, 250))


def scene_clinic(img, rng):
    scene_building(img, rng, roof=(60, 130, 120), wall=(245, 245, 240), cross=True)


def scene_hall(img, rng):
    """A meeting hall: red backdrop, star, rostrum, rows of delegates."""
    w, h = img.size
    d = ImageDraw.Draw(img)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=_mix((120, 20, 25), (175, 35, 35), y / h))
    _star(d, w / 2, h * 0.2, h * 0.09, (250, 210, 40))
    d.rectangle([w * 0.1, h * 0.32, w * 0.9, h * 0.36], fill=(250, 210, 40))
    d.rectangle([0, h * 0.5, w, h], fill=(95, 60, 45))
    d.rectangle([w * 0.25, h * 0.42, w * 0.75, h * 0.55], fill=(225, 200, 150))  # rostrum table
    for k in range(int(rng.integers(5, 8))):
        x = w * (0.3 + k * 0.07)
        person(d, x, h * 0.48, h * 0.12, rng, (40, 50, 70))
    rows = 4
    for r in range(rows):
        y = h * (0.68 + r * 0.1)
        s = h * (0.12 + r * 0.04)
        n = 9 - r
        for k in range(n):
            x = w * (k + 0.5) / n + rng.integers(-10, 10)
            d.ellipse([x - s * 0.22, y - s * 0.22, x + s * 0.22, y + s * 0.22], fill=(35, 30, 30))  # heads from behind
            d.rectangle([x - s * 0.38, y + s * 0.18, x + s * 0.38, y + s * 0.8], fill=_jitter(rng, (60, 70, 100), 30))
    for x in (w * 0.04, w * 0.96):  # flower pots
        d.ellipse([x - h * 0.06, h * 0.4, x + h * 0.06, h * 0.52], fill=(230, 200, 60))
        d.rectangle([x - h * 0.04, h * 0.5, x + h * 0.04, h * 0.6], fill=(160, 80, 40))


def scene_stage(img, rng):
    w, h = img.size
    d = ImageDraw.Draw(img)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=_mix((15, 15, 40), (50, 30, 70), y / h))
    for k in range(5):  # spotlights
        x = w * (0.1 + 0.2 * k)
        col = tuple(int(c) for c in rng.integers(120, 255, 3))
        overlay = Image.new("RGB", img.size, col)
        mask = Image.new("L", img.size, 0)
        ImageDraw.Draw(mask).polygon([(x, 0), (x - w * 0.12, h * 0.8), (x + w * 0.12, h * 0.8)], fill=60)
        img.paste(overlay, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.72, w, h * 0.8], fill=(120, 80, 50))
    for k in range(7):  # performers in bright dresses
        x = w * (0.15 + 0.11 * k)
        person(d, x, h * 0.74, h * 0.3, rng, _jitter(rng, (200, 40, 90) if k % 2 else (30, 120, 200), 40))
    d.rectangle([0, h * 0.8, w, h], fill=(20, 20, 25))
    for k in range(16):
        x = w * (k + 0.5) / 16
        d.ellipse([x - h * 0.035, h * 0.88, x + h * 0.035, h * 0.95], fill=(45, 40, 45))


def scene_festival(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.5)
    mountains(img, rng, 3, 0.48)
    ground(img, rng, h * 0.58, (110, 160, 70))
    d = ImageDraw.Draw(img)
    px = w * (0.45 + rng.random() * 0.1)
    d.line([(px, h * 0.75), (px, h * 0.08)], fill=(110, 80, 40), width=int(w * 0.008))
    for k in range(6):  # red cloth strips and strings of flags from the pole
        ex = w * (k / 5)
        d.line([(px, h * 0.1), (ex, h * 0.62)], fill=(200, 190, 160), width=2)
        for t in np.linspace(0.1, 0.9, 9):
            x, y = px + (ex - px) * t, h * 0.1 + (h * 0.52) * t
            d.polygon([(x, y), (x + 12, y + 4), (x, y + 14)], fill=((220, 40, 40), (250, 200, 30), (40, 120, 210))[int(t * 10) % 3])
    d.rectangle([px - 6, h * 0.08, px + 6, h * 0.2], fill=(200, 30, 30))
    for _ in range(40):  # crowd in Mông colours
        x, y = rng.integers(0, w), rng.integers(int(h * 0.7), h)
        person(d, int(x), int(y), h * 0.12 * (0.7 + (y - h * 0.7) / h * 2), rng,
               ((30, 30, 60), (200, 40, 100), (40, 140, 180), (230, 180, 40))[int(rng.integers(0, 4))])


def scene_orchard(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.45)
    mountains(img, rng, 2, 0.45)
    ground(img, rng, h * 0.52, (95, 150, 70))
    d = ImageDraw.Draw(img)
    for row in range(3):
        for k in range(6 - row):
            x = w * (k + 0.5) / (6 - row) + rng.integers(-20, 20)
            y = h * (0.62 + row * 0.15)
            s = h * (0.25 + row * 0.08)
            d.rectangle([x - s * 0.05, y - s * 0.4, x + s * 0.05, y], fill=(90, 60, 40))
            d.ellipse([x - s * 0.5, y - s * 0.9, x + s * 0.5, y - s * 0.25], fill=_jitter(rng, (60, 120, 55), 12))
            for _ in range(25):  # ripe plums
                fx = x + rng.normal(0, s * 0.22)
                fy = y - s * 0.58 + rng.normal(0, s * 0.14)
                r = s * 0.03
                d.ellipse([fx - r, fy - r, fx + r, fy + r], fill=(120, 40, 90))


def scene_market(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.4)
    mountains(img, rng, 2, 0.4)
    ground(img, rng, h * 0.5, (180, 170, 150))
    d = ImageDraw.Draw(img)
    for k in range(5):
        x0 = w * (0.02 + k * 0.2)
        col = ((200, 50, 50), (40, 110, 190), (60, 150, 70), (230, 160, 40), (150, 60, 150))[k]
        d.polygon([(x0, h * 0.45), (x0 + w * 0.18, h * 0.45), (x0 + w * 0.2, h * 0.55), (x0 - w * 0.02, h * 0.55)], fill=col)
        for s in range(6):  # awning stripes
            sx = x0 + s * w * 0.035
            d.line([(sx, h * 0.45), (sx - w * 0.004, h * 0.55)], fill=(245, 245, 240), width=4)
        d.rectangle([x0, h * 0.55, x0 + w * 0.18, h * 0.7], fill=(150, 110, 70))
        for b in range(3):  # baskets of green tea
            bx = x0 + w * (0.03 + b * 0.055)
            d.ellipse([bx - 25, h * 0.6, bx + 25, h * 0.66], fill=(60, 120, 50))
            d.rectangle([bx - 25, h * 0.63, bx + 25, h * 0.7], fill=(175, 135, 80))
    for _ in range(18):
        person(d, int(rng.integers(20, w - 20)), int(rng.integers(int(h * 0.78), h)), h * 0.18, rng)


def scene_forest(img, rng):
    w, h = img.size
    sky(img, rng, horizon=0.4)
    mountains(img, rng, 3, 0.45, tint=(40, 90, 50))
    d = ImageDraw.Draw(img)
    ground(img, rng, h * 0.6, (120, 100, 70))
    for row in range(5):
        for k in range(12):
            x = w * (k + 0.5 * (row % 2)) / 12
            y = h * (0.64 + row * 0.08)
            s = h * (0.06 + row * 0.02)
            d.rectangle([x - 2, y - s * 0.3, x + 2, y], fill=(90, 60, 40))
            d.polygon([(x, y - s * 1.4), (x - s * 0.4, y - s * 0.3), (x + s * 0.4, y - s * 0.3)], fill=_jitter(rng, (40, 120, 50), 15))
    for _ in range(4):
        person(d, int(rng.integers(60, w - 60)), int(rng.integers(int(h * 0.85), h - 6)), h * 0.16, rng, (40, 100, 60))


SCENES = {
    "tea": scene_tea, "rice": scene_rice, "flood": scene_flood, "village": scene_village,
    "road": scene_road, "roadworks": lambda img, rng: scene_road(img, rng, works=True),
    "building": scene_building, "school": scene_school, "clinic": scene_clinic, "hall": scene_hall,
    "stage": scene_stage, "festival": scene_festival, "orchard": scene_orchard, "market": scene_market,
    "forest": scene_forest,
}


def grain(img: Image.Image, rng, sigma=3.5) -> Image.Image:
    """Photo-like grain and softness, so the pictures are not flat vector art."""
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float32)
    noise = rng.normal(0, sigma, arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


def encode_jpeg(img: Image.Image, limit: int) -> bytes:
    for quality in (80, 75, 70, 65, 60):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() < limit:
            return buf.getvalue()
    raise SystemExit(f"cannot fit image under {limit} bytes")


def make_photo(rel: str, scene: str, size) -> bytes:
    rng = _rng(rel)
    img = Image.new("RGB", size, (200, 210, 220))
    SCENES[scene](img, rng)
    return encode_jpeg(grain(img, rng), PHOTO_LIMIT)


# --- Administrative map -----------------------------------------------------
DISTRICT = [(90, 300), (170, 150), (330, 90), (520, 70), (690, 120), (820, 90), (960, 170), (1040, 320),
            (1000, 470), (1060, 600), (950, 720), (760, 760), (600, 700), (430, 760), (260, 700), (140, 590),
            (60, 450)]
# Commune name and its seat (map coordinates); regions are the nearest-seat cells.
COMMUNES = [
    ("TT. Nậm Păng", (560, 420)), ("Quảng Long", (720, 520)), ("Sìn Hồ", (300, 220)), ("Pà Cò", (170, 400)),
    ("Tả Phìn", (480, 170)), ("Nà Hừ", (350, 560)), ("Phiêng Lanh", (840, 380)), ("Hua Nà", (680, 250)),
    ("Bản Lầm", (880, 640)), ("Nậm Xe", (560, 640)), ("Lũng Vài", (880, 200)), ("Tân Hợp", (300, 400)),
]
PALETTE = [(252, 236, 190), (214, 234, 200), (250, 215, 200), (210, 225, 245), (240, 225, 245), (225, 240, 225),
           (255, 245, 210), (230, 220, 200), (215, 240, 240), (245, 230, 215), (225, 230, 200), (240, 210, 225)]


def _font(size, bold=False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"):
        path = pathlib.Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def make_map() -> bytes:
    w, h = 1120, 820
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(DISTRICT, fill=1)
    inside = np.asarray(mask, dtype=bool)
    yy, xx = np.mgrid[0:h, 0:w]
    seats = np.array([c for _, c in COMMUNES], dtype=np.float32)
    # wobble the cell boundaries a little so they look like surveyed borders
    wob = (np.sin(xx / 37.0) * 9 + np.cos(yy / 29.0) * 9).astype(np.float32)
    dist = np.stack([np.hypot(xx - sx + wob, yy - sy - wob) for sx, sy in seats])
    owner = dist.argmin(axis=0)
    rgb = np.full((h, w, 3), (236, 242, 246), dtype=np.uint8)  # neighbouring land
    for i, col in enumerate(PALETTE[: len(COMMUNES)]):
        rgb[(owner == i) & inside] = col
    edge = np.zeros((h, w), dtype=bool)
    edge[:, 1:] |= owner[:, 1:] != owner[:, :-1]
    edge[1:, :] |= owner[1:, :] != owner[:-1, :]
    rgb[edge & inside] = (120, 120, 120)
    img = Image.fromarray(rgb)
    d = ImageDraw.Draw(img)
    # river Nậm Păng across the district
    river = [(100, 330), (230, 360), (380, 470), (520, 460), (640, 500), (780, 470), (930, 540), (1040, 590)]
    d.line(river, fill=(90, 150, 210), width=6, joint="curve")
    d.line([(330, 240), (470, 300), (560, 420), (720, 520)], fill=(230, 140, 30), width=5)  # ĐH.05 road
    d.polygon(DISTRICT, outline=(170, 30, 30))
    d.line(DISTRICT + [DISTRICT[0]], fill=(170, 30, 30), width=5)
    for i, (name, (x, y)) in enumerate(COMMUNES):
        seat = i == 0
        r = 8 if seat else 5
        d.ellipse([x - r, y - r, x + r, y + r], fill=(200, 30, 30) if seat else (40, 40, 40))
        f = _font(22 if seat else 19, bold=seat)
        d.text((x, y + 12), name, font=f, fill=(20, 20, 20), anchor="ma", stroke_width=3, stroke_fill=(255, 255, 255))
    title = _font(30, bold=True)
    d.text((30, 24), "BẢN ĐỒ HÀNH CHÍNH HUYỆN NẬM PĂNG", font=title, fill=(150, 20, 20))
    small = _font(17)
    legend = [((170, 30, 30), "Ranh giới huyện"), ((120, 120, 120), "Ranh giới xã, thị trấn"),
              ((90, 150, 210), "Sông Nậm Păng"), ((230, 140, 30), "Đường huyện ĐH.05")]
    d.rectangle([800, 688, 1100, 806], fill=(255, 255, 255), outline=(120, 120, 120))
    for k, (col, label) in enumerate(legend):
        y = 696 + k * 26
        d.line([(814, y + 10), (850, y + 10)], fill=col, width=5)
        d.text((860, y), label, font=small, fill=(30, 30, 30))
    d.text((30, h - 36), "Sơ đồ minh họa, không dùng để xác định địa giới hành chính.", font=small, fill=(60, 60, 60))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)  # RGB: a small palette merged the thin legend colours
    if buf.tell() >= MAP_LIMIT:
        raise SystemExit(f"map is {buf.tell()} bytes, over {MAP_LIMIT}")
    return buf.getvalue()


# --- Default share image (og:image, JSON-LD) of articles without a photo ----
SHARE = "chia-se.jpg"  # pelicanconf DEFAULT_SHARE_IMAGE
SHARE_SIZE = (1200, 630)  # Facebook/Zalo's 1.91:1; Google asks for at least 1200 px wide


def make_share() -> bytes:
    rng = _rng(SHARE)
    img = Image.new("RGB", SHARE_SIZE, (200, 210, 220))
    scene_village(img, rng)
    img = grain(img, rng)
    w, h = img.size
    band = Image.new("RGB", (w, 210), (165, 28, 28))  # the theme's red
    img.paste(Image.blend(img.crop((0, h - 210, w, h)), band, 0.88), (0, h - 210))
    d = ImageDraw.Draw(img)
    d.text((60, h - 186), "CỔNG THÔNG TIN ĐIỆN TỬ", font=_font(40, bold=True), fill=(255, 235, 160))
    d.text((60, h - 134), "HUYỆN NẬM PĂNG", font=_font(64, bold=True), fill=(255, 255, 255))
    d.text((60, h - 58), "Tỉnh Hoàng Sơn", font=_font(30), fill=(255, 235, 200))
    return encode_jpeg(img, PHOTO_LIMIT)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only verify that generated files exist and are small")
    args = ap.parse_args(argv)
    jobs = [(rel, lambda rel=rel, s=s, z=z: make_photo(rel, s, z), PHOTO_LIMIT) for rel, s, z in PHOTOS]
    jobs.append((MAP, make_map, MAP_LIMIT))
    jobs.append((SHARE, make_share, PHOTO_LIMIT))
    bad = 0
    for rel, make, limit in jobs:
        path = IMAGES / rel
        if args.check:
            if not path.is_file() or path.stat().st_size >= limit:
                print(f"{path}: missing or >= {limit} bytes")
                bad += 1
            continue
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        print(f"{len(data) / 1024:6.1f} KB  {path.relative_to(ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
