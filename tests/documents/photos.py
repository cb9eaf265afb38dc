"""Test photos made with Pillow: JPEGs that compress like a camera's (for tests and the
photo benchmark; no Django here)."""

import io
import random


def photo(width: int = 1200, height: int = 900, *, seed: int = 1, quality: int = 90) -> bytes:
    """A JPEG that compresses like a photo: smooth shading with grain on top."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (235, 230, 220))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 20, width // 4)
        colour = tuple(rng.randrange(60, 250) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(radius=width / 200))
    grain = Image.effect_noise((width, height), 28).convert("RGB")
    image = Image.blend(image, grain, 0.18)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def camera_photo_3mb() -> bytes:
    """A 4,000 × 3,000 photo of about 3 MB, as a phone's camera writes it."""
    for quality in (88, 92, 95, 97):
        data = photo(4000, 3000, seed=7, quality=quality)
        if len(data) >= 3_000_000:
            return data
    return data
