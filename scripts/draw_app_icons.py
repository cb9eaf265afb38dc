"""Draws the client app's icons (static/app/icons/*.png) with Pillow: a receipt on blue.

Run again after changing the drawing: `.venv/bin/python scripts/draw_app_icons.py`.
The maskable icon keeps the receipt inside the middle 60 %, so any mask shape leaves it whole.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 92, 171, 255)
WHITE = (255, 255, 255, 255)
INK = (29, 39, 51, 255)
GREEN = (31, 138, 76, 255)
ICONS = Path(__file__).resolve().parent.parent / "static" / "app" / "icons"
SUPERSAMPLE = 4


def receipt(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    """A receipt with a torn bottom edge, three lines of text and a tick, inside ``box``."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    teeth = 6
    tooth = width / teeth
    outline = [(left, top), (right, top), (right, bottom - tooth / 2)]
    for i in range(teeth, 0, -1):
        outline.append((left + (i - 0.5) * tooth, bottom))
        outline.append((left + (i - 1) * tooth, bottom - tooth / 2))
    draw.polygon(outline, fill=WHITE)
    line = height * 0.06
    for row, share in enumerate((0.7, 0.5, 0.6)):
        y = top + height * (0.16 + row * 0.15)
        draw.rounded_rectangle(
            (left + width * 0.15, y, left + width * (0.15 + share), y + line),
            radius=line / 2,
            fill=INK,
        )
    # The tick: sent to the firm.
    cx, cy, r = left + width * 0.68, top + height * 0.7, width * 0.2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=GREEN)
    draw.line(
        [(cx - r * 0.5, cy), (cx - r * 0.12, cy + r * 0.4), (cx + r * 0.5, cy - r * 0.35)],
        fill=WHITE,
        width=int(r * 0.28),
        joint="curve",
    )


def icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        margin = big * 0.24
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=BLUE)
        margin = big * 0.18
    receipt(draw, (margin + big * 0.06, margin, big - margin - big * 0.06, big - margin))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    icon(192, maskable=False).save(ICONS / "icon-192.png", optimize=True)
    icon(512, maskable=False).save(ICONS / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(ICONS / "maskable-512.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
