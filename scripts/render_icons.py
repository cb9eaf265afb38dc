"""Renders the portal's icon (static/favicon.svg) to static/favicon.ico (32 px, a PNG inside)
for browsers that do not take an SVG icon, with Debian's Chromium. Run it after changing
the SVG:  .venv/bin/python scripts/render_icons.py
"""

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "static"
SIZE = 32


def png_of_svg(svg: str, size: int) -> bytes:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": size, "height": size})
        sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
        page.set_content(f'<body style="margin:0">{sized}</body>')
        png = page.screenshot(
            omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size}
        )
        browser.close()
    return png


def ico_holding(png: bytes, size: int) -> bytes:
    # An ICO file of one image stored as PNG: the 6-byte header, one 16-byte entry, the PNG.
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


if __name__ == "__main__":
    png = png_of_svg((STATIC / "favicon.svg").read_text(), SIZE)
    (STATIC / "favicon.ico").write_bytes(ico_holding(png, SIZE))
    print(f"static/favicon.ico: {SIZE}×{SIZE}, {len(png)} bytes of PNG")
